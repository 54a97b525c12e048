module github.com/weldgo/weld/sdk

go 1.22

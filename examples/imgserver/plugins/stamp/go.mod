module github.com/weldgo/weld/examples/imgserver/plugins/stamp

go 1.24

require github.com/weldgo/weld/examples/imgserver/api v0.0.0-00010101000000-000000000000

require github.com/weldgo/weld/sdk v0.0.0-00010101000000-000000000000 // indirect

replace (
	github.com/weldgo/weld/examples/imgserver/api => ../../api
	github.com/weldgo/weld/sdk => ../../../../sdk
)

module github.com/weldgo/weld/examples/imgserver/plugins/count

go 1.26.0

require github.com/weldgo/weld/examples/imgserver/api v0.0.0-00010101000000-000000000000

require (
	github.com/weldgo/weld/sdk v0.0.0-00010101000000-000000000000 // indirect
	golang.org/x/image v0.48.0
)

replace (
	github.com/weldgo/weld/examples/imgserver/api => ../../api
	github.com/weldgo/weld/sdk => ../../../../sdk
)

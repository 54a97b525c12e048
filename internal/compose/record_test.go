package compose

import (
	"reflect"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	tests := []struct {
		desc    string
		record  Record
		encoded string
	}{
		{
			desc:   "main package, zero plugins",
			record: Record{Name: "app", App: ModuleVersion{"example.com/app", "v1.0.0"}, Main: "example.com/app"},
			encoded: "weld.composition/v1\n" +
				"name app\n" +
				"app example.com/app v1.0.0\n" +
				"main example.com/app\n" +
				"end\n",
		},
		{
			desc: "main package, one local plugin",
			record: Record{
				Name: "srv", App: ModuleVersion{"example.com/app", LocalVersion}, Main: "example.com/app/cmd/srv",
				Plugins: []RecordPlugin{{ModuleVersion{"example.com/p", LocalVersion}, "example.com/p"}},
			},
			encoded: "weld.composition/v1\n" +
				"name srv\n" +
				"app example.com/app (local)\n" +
				"main example.com/app/cmd/srv\n" +
				"plugin example.com/p (local) example.com/p\n" +
				"end\n",
		},
		{
			desc:   "entry function, zero plugins",
			record: Record{Name: "tool", App: ModuleVersion{"example.com/tool/v2", "v2.3.0"}, Entry: "example.com/tool/v2/cli.Main"},
			encoded: "weld.composition/v1\n" +
				"name tool\n" +
				"app example.com/tool/v2 v2.3.0\n" +
				"entry example.com/tool/v2/cli.Main\n" +
				"end\n",
		},
		{
			desc: "entry function, several plugins kept in order",
			record: Record{
				Name: "tool", App: ModuleVersion{"example.com/tool", "v0.0.0-20240101000000-abcdefabcdef"}, Entry: "example.com/tool.Run",
				Plugins: []RecordPlugin{
					{ModuleVersion{"example.com/z", "v1.2.3"}, "example.com/z/plug"},
					{ModuleVersion{"example.com/a", "v0.1.0+incompatible"}, "example.com/a"},
					{ModuleVersion{"example.com/tool", "v0.0.0-20240101000000-abcdefabcdef"}, "example.com/tool/extra"},
				},
			},
			encoded: "weld.composition/v1\n" +
				"name tool\n" +
				"app example.com/tool v0.0.0-20240101000000-abcdefabcdef\n" +
				"entry example.com/tool.Run\n" +
				"plugin example.com/z v1.2.3 example.com/z/plug\n" +
				"plugin example.com/a v0.1.0+incompatible example.com/a\n" +
				"plugin example.com/tool v0.0.0-20240101000000-abcdefabcdef example.com/tool/extra\n" +
				"end\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			enc := tt.record.Encode()
			if enc != tt.encoded {
				t.Errorf("Encode() =\n%s\nwant\n%s", enc, tt.encoded)
			}
			got, err := DecodeRecord(enc)
			if err != nil {
				t.Fatalf("DecodeRecord(Encode()): %v", err)
			}
			if !reflect.DeepEqual(got, tt.record) {
				t.Errorf("DecodeRecord(Encode()) = %#v\nwant %#v", got, tt.record)
			}
			// The trailing newline is optional.
			got, err = DecodeRecord(enc[:len(enc)-1])
			if err != nil || !reflect.DeepEqual(got, tt.record) {
				t.Errorf("DecodeRecord without final newline = %#v, %v", got, err)
			}
		})
	}
}

func TestEncodeEntryWins(t *testing.T) {
	// A record has a main package or an entry function, never both: Encode
	// writes only the entry line.
	r := Record{Name: "x", App: ModuleVersion{"m", "v1.0.0"}, Main: "m", Entry: "m.Main"}
	want := "weld.composition/v1\nname x\napp m v1.0.0\nentry m.Main\nend\n"
	if got := r.Encode(); got != want {
		t.Errorf("Encode() = %q, want %q", got, want)
	}
}

func TestDecodeRecordErrors(t *testing.T) {
	const head = "weld.composition/v1\nname x\napp example.com/app v1.0.0\n"
	tests := []struct {
		desc, input, wantErr string
	}{
		{"empty", "", "not a composition record"},
		{"other magic", "weld.composition/v2\nname x\nend\n", "not a composition record"},
		{"magic with CRLF", "weld.composition/v1\r\nname x\r\nend\r\n", "not a composition record"},
		{"leading blank line", "\n" + head + "end\n", "not a composition record"},
		{"magic only", "weld.composition/v1\n", "composition record has no end line"},
		{"no end", head + "main example.com/app\n", "composition record has no end line"},
		{"text after end", head + "end\nplugin a b c\n", "composition record: text after end"},
		{"blank line after end", head + "end\n\n", "composition record: text after end"},
		{"no app", "weld.composition/v1\nname x\nmain m\nend\n", "composition record names no app"},
		{"app with two fields", "weld.composition/v1\napp example.com/app\nend\n", `composition record line 2: malformed "app example.com/app"`},
		{"plugin with three fields", head + "plugin example.com/p v1.0.0\nend\n", `composition record line 4: malformed "plugin example.com/p v1.0.0"`},
		{"unknown keyword", head + "plugins a b c\nend\n", `composition record line 4: malformed "plugins a b c"`},
		{"double space", head + "main  example.com/app\nend\n", `composition record line 4: malformed "main  example.com/app"`},
		{"blank line inside", head + "\nend\n", `composition record line 4: malformed ""`},
		{"end with argument", head + "end now\n", `composition record line 4: malformed "end now"`},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r, err := DecodeRecord(tt.input)
			if err == nil {
				t.Fatalf("DecodeRecord(%q) = %#v, want error %q", tt.input, r, tt.wantErr)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("DecodeRecord(%q) error:\n got: %s\nwant: %s", tt.input, err, tt.wantErr)
			}
			if !reflect.DeepEqual(r, Record{}) {
				t.Errorf("DecodeRecord returned a partial record %#v with its error", r)
			}
		})
	}
}

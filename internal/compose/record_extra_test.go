package compose

import (
	"reflect"
	"testing"
)

func TestRecordExtraRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		record RecordExtra
		text   string
	}{
		{
			name: "adapter and local module",
			record: RecordExtra{Adapter: "embedded:caddy", Hash: "h1:abc=", Wiring: "init",
				Plugins: []ExtraPlugin{{Package: "example.com/p", Kind: "http.handlers"}},
				Locals:  []LocalHash{{Module: "example.com/fees", Hash: "h1:def="}}},
			text: ExtraMagic + "\n" +
				"adapter embedded:caddy h1:abc= init\n" +
				"plugin example.com/p http.handlers -\n" +
				"local example.com/fees h1:def=\n" +
				"end\n",
		},
		{
			// Without an adapter the record carries only the local
			// modules' hashes, and no adapter line.
			name:   "local modules only",
			record: RecordExtra{Locals: []LocalHash{{Module: "example.com/a", Hash: "h1:1="}, {Module: "example.com/b", Hash: "h1:2="}}},
			text:   ExtraMagic + "\nlocal example.com/a h1:1=\nlocal example.com/b h1:2=\nend\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.record.Encode(); got != tt.text {
				t.Fatalf("Encode:\n%s\nwant:\n%s", got, tt.text)
			}
			back, err := DecodeRecordExtra(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			// Decoding gives plugins without their module (the first
			// record has it).
			want := tt.record
			if !reflect.DeepEqual(back.Locals, want.Locals) || back.Adapter != want.Adapter {
				t.Fatalf("DecodeRecordExtra = %+v, want %+v", back, want)
			}
		})
	}
	if _, err := DecodeRecordExtra(ExtraMagic + "\nlocal example.com/a\nend\n"); err == nil {
		t.Fatal("a local line without a hash was accepted")
	}
}

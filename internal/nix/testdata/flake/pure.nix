# flake.nix for a test, written by weld's golden tests.
#
# The composition: none
{
  description = "greet: pure Go";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      # What differs between targets: cgo, the C libraries, and a build tag
      # that picks the target's generated file when plugins are limited to
      # some targets.
      targets = {
        linux-amd64 = {
          cgo = "0";
          tags = [ ];
          nativeBuildInputs = pkgs: [ ];
          buildInputs = pkgs: [ ];
        };
      };

      # The composition for a target, built with a nixpkgs package set: the
      # target system's own, or a pkgsCross set that cross-compiles for it.
      build = target: pkgs:
        (pkgs.buildGoModule.override { go = pkgs.buildPackages.go_1_26; }) {
          pname = "greet";
          version = "1.2.0";
          src = ./.;
          modRoot = "main";
          # The NAR hash of the vendor directory that go mod vendor writes
          # for main/, computed by weld: no fake-hash round trip.
          vendorHash = "sha256-brWRptyWY7GDDv0EtnMCnqs4sdapz+SyWvvlxVfLhGs=";
          proxyVendor = false;
          subPackages = [ "cmd/greet" ];
          tags = [ "netgo" "osusergo" ] ++ target.tags;
          ldflags = [ "-s" "-w" ];
          env = {
            CGO_ENABLED = target.cgo;
            GOAMD64 = "v3";
          };
          nativeBuildInputs = target.nativeBuildInputs pkgs;
          buildInputs = target.buildInputs pkgs;
          # The app's and plugins' tests run in their own modules.
          doCheck = false;
          meta.mainProgram = "greet";
        };
    in
    {
      packages = {
        x86_64-linux =
          let
            pkgs = nixpkgs.legacyPackages.x86_64-linux;
            native = build targets.linux-amd64 pkgs;
          in
          {
            default = native;
            linux-amd64 = native;
          };
      };

      apps = {
        x86_64-linux.default = {
          type = "app";
          program = "${self.packages.x86_64-linux.default}/bin/greet";
        };
      };
    };
}

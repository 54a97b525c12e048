# flake.nix for a test, written by weld's golden tests.
#
# The composition: none
{
  description = "tool: nothing to vendor";

  inputs.nixpkgs.url = "path:/srv/nixpkgs";

  outputs = { self, nixpkgs }:
    let
      # What differs between targets: cgo, the C libraries, and a build tag
      # that picks the target's generated file when plugins are limited to
      # some targets.
      targets = {
        linux-arm64 = {
          cgo = "0";
          tags = [ ];
          nativeBuildInputs = pkgs: [ ];
          buildInputs = pkgs: [ ];
        };
      };

      # The composition for a target, built with a nixpkgs package set: the
      # target system's own, or a pkgsCross set that cross-compiles for it.
      build = target: pkgs:
        (pkgs.buildGoModule.override { go = pkgs.buildPackages.go_1_25; }) {
          pname = "tool";
          version = "0";
          src = ./.;
          modRoot = "main";
          # Nothing to vendor: the composition has no dependencies.
          vendorHash = null;
          proxyVendor = false;
          subPackages = [ "." ];
          tags = [ ] ++ target.tags;
          ldflags = [ ];
          env = {
            CGO_ENABLED = target.cgo;
          };
          nativeBuildInputs = target.nativeBuildInputs pkgs;
          buildInputs = target.buildInputs pkgs;
          # The app's and plugins' tests run in their own modules.
          doCheck = false;
          meta.mainProgram = "tool";
        };
    in
    {
      packages = {
        aarch64-linux =
          let
            pkgs = nixpkgs.legacyPackages.aarch64-linux;
            native = build targets.linux-arm64 pkgs;
          in
          {
            default = native;
            linux-arm64 = native;
          };
      };

      apps = {
        aarch64-linux.default = {
          type = "app";
          program = "${self.packages.aarch64-linux.default}/bin/tool";
        };
      };
    };
}

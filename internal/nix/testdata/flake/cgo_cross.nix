# flake.nix for a test, written by weld's golden tests.
#
# The composition: none
{
  description = "imgserver: cgo, three systems";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567";

  outputs = { self, nixpkgs }:
    let
      # What differs between targets: cgo, the C libraries, and a build tag
      # that picks the target's generated file when plugins are limited to
      # some targets.
      targets = {
        linux-amd64 = {
          cgo = "1";
          tags = [ ];
          nativeBuildInputs = pkgs: [ pkgs.buildPackages.pkg-config ];
          buildInputs = pkgs: [ pkgs.cairo pkgs.xorg.libX11 ];
        };
        linux-arm64 = {
          cgo = "1";
          tags = [ ];
          nativeBuildInputs = pkgs: [ pkgs.buildPackages.pkg-config ];
          buildInputs = pkgs: [ pkgs.cairo pkgs.xorg.libX11 ];
        };
        linux-arm-7 = {
          cgo = "1";
          tags = [ ];
          nativeBuildInputs = pkgs: [ pkgs.buildPackages.pkg-config ];
          buildInputs = pkgs: [ pkgs.cairo pkgs.xorg.libX11 ];
        };
      };

      # The composition for a target, built with a nixpkgs package set: the
      # target system's own, or a pkgsCross set that cross-compiles for it.
      build = target: pkgs:
        (pkgs.buildGoModule.override { go = pkgs.buildPackages.go_1_26; }) {
          pname = "imgserver";
          version = "0";
          src = ./.;
          modRoot = "main";
          # The NAR hash of the vendor directory that go mod vendor writes
          # for main/, computed by weld: no fake-hash round trip.
          vendorHash = "sha256-pQpattmS9VmO3ZIQUFn66az8GSmB4IvYhTTCFn6SUmo=";
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
          postInstall = ''
            mv $out/bin/app $out/bin/imgserver
          '';
          meta.mainProgram = "imgserver";
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
            linux-arm64 = build targets.linux-arm64 pkgs.pkgsCross.aarch64-multiplatform;
            linux-arm-7 = build targets.linux-arm-7 pkgs.pkgsCross.armv7l-hf-multiplatform;
          };
        aarch64-linux =
          let
            pkgs = nixpkgs.legacyPackages.aarch64-linux;
            native = build targets.linux-arm64 pkgs;
          in
          {
            default = native;
            linux-arm64 = native;
            linux-amd64 = build targets.linux-amd64 pkgs.pkgsCross.gnu64;
            linux-arm-7 = build targets.linux-arm-7 pkgs.pkgsCross.armv7l-hf-multiplatform;
          };
        armv7l-linux =
          let
            pkgs = nixpkgs.legacyPackages.armv7l-linux;
            native = build targets.linux-arm-7 pkgs;
          in
          {
            default = native;
            linux-arm-7 = native;
            linux-amd64 = build targets.linux-amd64 pkgs.pkgsCross.gnu64;
            linux-arm64 = build targets.linux-arm64 pkgs.pkgsCross.aarch64-multiplatform;
          };
      };

      apps = {
        x86_64-linux.default = {
          type = "app";
          program = "${self.packages.x86_64-linux.default}/bin/imgserver";
        };
        aarch64-linux.default = {
          type = "app";
          program = "${self.packages.aarch64-linux.default}/bin/imgserver";
        };
        armv7l-linux.default = {
          type = "app";
          program = "${self.packages.armv7l-linux.default}/bin/imgserver";
        };
      };
    };
}

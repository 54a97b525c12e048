# A stand-in for nixpkgs, for weld's tests: machines without GitHub and
# cache.nixos.org cannot fetch the real one. It has what a flake written by
# weld nix uses, with the same shapes: legacyPackages.SYSTEM with
# buildGoModule (and .override { go }), buildPackages, pkgsCross and C
# libraries as attributes.
#
# Evaluating it is pure. Building (nix build --impure, sandbox = false) runs
# the host's go, C compiler and pkg-config from WELD_STUB_PATH, with the Go
# environment in WELD_STUB_GOMODCACHE, WELD_STUB_GOCACHE and
# WELD_STUB_GOPROXY, and follows buildGoModule's two steps: a fixed-output
# go-modules derivation that runs go mod vendor and copies vendor to $out,
# which Nix checks against vendorHash, then a go build -mod=vendor of the
# subPackages into $out/bin.
{
  description = "stub nixpkgs for weld's tests";
  outputs = { self }:
    let
      crossNames = {
        gnu64 = "x86_64-linux";
        aarch64-multiplatform = "aarch64-linux";
        armv7l-hf-multiplatform = "armv7l-linux";
        raspberryPi = "armv6l-linux";
        gnu32 = "i686-linux";
        riscv64 = "riscv64-linux";
      };
      env = name: builtins.getEnv "WELD_STUB_${name}";
      hostEnv = {
        PATH = env "PATH";
        GOMODCACHE = env "GOMODCACHE";
        GOCACHE = env "GOCACHE";
        GOPROXY = env "GOPROXY";
        GOFLAGS = "";
        GOTOOLCHAIN = "local";
        GOWORK = "off";
        GONOSUMDB = "*";
        GOSUMDB = "off";
        GOTELEMETRY = "off";
      };
      goarch = {
        x86_64-linux = "amd64";
        aarch64-linux = "arm64";
        armv7l-linux = "arm";
        armv6l-linux = "arm";
        i686-linux = "386";
        riscv64-linux = "riscv64";
      };
      # pkgsFor build host: the package set on build that makes programs
      # for host.
      pkgsFor = build: host:
        let
          tool = name: { inherit name; platform = build; };
          lib = name: { inherit name; platform = host; };
          buildPackages = { pkg-config = tool "pkg-config"; }
            // builtins.listToAttrs (map (v: { name = v; value = tool v; })
              [ "go" "go_1_24" "go_1_25" "go_1_26" "go_1_27" ]);
          mk = go: args:
            let
              name = "${args.pname}-${args.version}";
              goModules = derivation (hostEnv // {
                name = "${name}-go-modules";
                system = build;
                builder = "/bin/sh";
                inherit (args) src modRoot;
                outputHashMode = "recursive";
                outputHash = args.vendorHash;
                args = [ "-c" ''
                  set -e
                  export HOME="$PWD"
                  cp -r "$src" source
                  chmod -R u+w source
                  cd "source/$modRoot"
                  if [ -d vendor ]; then echo "vendor folder exists"; exit 10; fi
                  go mod vendor
                  mkdir -p vendor
                  cp -r vendor "$out"
                '' ];
              });
              package = derivation (hostEnv // (args.env or { }) // {
                inherit name;
                system = build;
                builder = "/bin/sh";
                inherit (args) src modRoot;
                GOOS = "linux";
                GOARCH = goarch.${host};
                tags = builtins.concatStringsSep "," (args.tags or [ ]);
                ldflags = builtins.concatStringsSep " " ((args.ldflags or [ ]) ++ [ "-buildid=" ]);
                subPackages = builtins.concatStringsSep " " args.subPackages;
                postInstall = args.postInstall or "";
                goModules = if args.vendorHash == null then "" else goModules;
                args = [ "-c" ''
                  set -e
                  export HOME="$PWD"
                  cp -r "$src" source
                  chmod -R u+w source
                  cd "source/$modRoot"
                  if [ -n "$goModules" ]; then rm -rf vendor; cp -r "$goModules" vendor; fi
                  export GOPROXY=off GOFLAGS="-mod=vendor -trimpath"
                  mkdir -p "$out/bin"
                  for p in $subPackages; do
                    GOBIN="$out/bin" go install -tags="$tags" -ldflags="$ldflags" "./$p"
                  done
                  eval "$postInstall"
                '' ];
              });
            in
            package // {
              inherit goModules;
              weld = (removeAttrs args [ "src" "nativeBuildInputs" "buildInputs" ]) // {
                src = baseNameOf args.src;
                go = go.name;
                inherit build host;
                nativeBuildInputs = map (p: "${p.name}@${p.platform}") (args.nativeBuildInputs or [ ]);
                buildInputs = map (p: "${p.name}@${p.platform}") (args.buildInputs or [ ]);
              };
            };
        in
        {
          inherit buildPackages;
          buildGoModule = { override = o: mk o.go; __functor = _: mk buildPackages.go; };
          pkgsCross = builtins.mapAttrs (_: h: pkgsFor build h) crossNames;
          cairo = lib "cairo";
          xorg.libX11 = lib "libX11";
          weldtest = lib "weldtest";
        };
    in
    {
      legacyPackages = builtins.listToAttrs (map (s: { name = s; value = pkgsFor s s; })
        (builtins.attrValues crossNames));
    };
}

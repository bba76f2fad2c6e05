namespace Zwarm.Bench;

/// <summary>What `bench/run` hands the harness: the mode, a scratch folder and the programs to measure.</summary>
internal sealed record BenchOptions
{
    /// <summary>Small sizes, a few repetitions: proves the harness works (CI), figures are not meaningful.</summary>
    public bool Quick { get; init; }

    /// <summary>Where the Markdown results go.</summary>
    public required string Out { get; init; }

    /// <summary>Scratch folder (synthetic stores, transcripts); emptied first.</summary>
    public required string Work { get; init; }

    /// <summary>The zwarm executable, framework-dependent (as `./zwarm` and the .NET tool run it).</summary>
    public required string Zwarm { get; init; }

    /// <summary>Other builds of zwarm to cold-start (label → path, or label → "!reason" when the build failed).</summary>
    public Dictionary<string, string> ZwarmVariants { get; init; } = [];

    /// <summary>Hello-world builds matching <see cref="ZwarmVariants"/> (same labels), the cold-start baselines.</summary>
    public Dictionary<string, string> HelloVariants { get; init; } = [];

    /// <summary>
    /// The build users get (issue #14: `./zwarm` publishes NativeAOT when the toolchain is there): the NativeAOT publish
    /// when it was made, else the framework-dependent build. The targets are measured on it.
    /// </summary>
    public (string Label, string Path) UserBuild => ZwarmVariants.GetValueOrDefault("NativeAOT") is { } aot && !aot.StartsWith('!') ? ("NativeAOT", aot) : ("framework-dependent", Zwarm);

    /// <summary>The NativeAOT hello world, the floor of a native start; null when it was not published.</summary>
    public string? HelloAot => HelloVariants.GetValueOrDefault("NativeAOT") is { } h && !h.StartsWith('!') ? h : null;

    /// <summary>The built Zwarm.FakeAgent, which stands in for codex.</summary>
    public required string FakeAgent { get; init; }

    /// <summary>Sections to run (1–6); all when empty.</summary>
    public HashSet<int> Only { get; init; } = [];

    /// <summary>This program, to start helper processes of itself.</summary>
    public static string Self => Environment.ProcessPath!;

    /// <summary>The dll of this program when it runs under `dotnet`, else null.</summary>
    public static string? SelfDll => Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? typeof(BenchOptions).Assembly.Location : null;

    public int Pick(int full, int quick) => Quick ? quick : full;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        string? Value(string name)
        {
            var i = args.ToList().IndexOf(name);
            return i >= 0 && i + 1 < args.Count ? args[i + 1] : null;
        }
        Dictionary<string, string> Variants(string name)
            => (Value(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => v.Split('=', 2))
                .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "!missing");
        string Required(string name) => Value(name) ?? throw new ArgumentException($"missing {name}");
        return new BenchOptions
        {
            Quick = args.Contains("--quick"),
            Out = Path.GetFullPath(Required("--out")),
            Work = Path.GetFullPath(Required("--work")),
            Zwarm = Path.GetFullPath(Required("--zwarm")),
            ZwarmVariants = Variants("--zwarm-variants"),
            HelloVariants = Variants("--hello-variants"),
            FakeAgent = Path.GetFullPath(Required("--fake-agent")),
            Only = (Value("--only") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet(),
        };
    }
}

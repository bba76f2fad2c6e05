using System.Diagnostics;
using System.Globalization;
using Zwarm.Bench;

// `bench/run` calls `run`; the other verbs are helper processes the harness starts of itself.
return args.FirstOrDefault() switch
{
    "run" => await RunAsync(BenchOptions.Parse(args[1..])),
    "probe-parse" => await ParseProbe.MainAsync(args[1], args[2], args[3] == "1"),
    "hammer" => await ContentionBench.HammerAsync(args[1], args[2], args[3], double.Parse(args[4], CultureInfo.InvariantCulture), args[5..]),
    "start-sessions" => await TrackingBench.StartSessionsAsync(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), args[4]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Zwarm.Bench run --out FILE --work DIR --zwarm PATH --fake-agent PATH [--quick] [--only 1,2] [--zwarm-variants L=PATH,…] [--hello-variants L=PATH,…]");
    return 2;
}

static async Task<int> RunAsync(BenchOptions o)
{
    using var cts = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
    if (Directory.Exists(o.Work)) Directory.Delete(o.Work, recursive: true);
    Directory.CreateDirectory(o.Work);
    var machine = await Machine.DescribeAsync(o);
    var parts = new (int Number, string Title, Func<BenchOptions, Section, CancellationToken, Task> Run)[]
    {
        (1, "zwarm ls over a large store", LsBench.RunAsync),
        (2, "event-stream parsing", ParseBench.RunAsync),
        (3, "spawn overhead", SpawnBench.RunAsync),
        (4, "cold start", ColdStartBench.RunAsync),
        (5, "tracking running sessions", TrackingBench.RunAsync),
        (6, "store contention", ContentionBench.RunAsync),
    };
    var total = Stopwatch.StartNew();
    var sections = new List<Section>();
    foreach (var (number, title, run) in parts.Where(p => o.Only.Count == 0 || o.Only.Contains(p.Number)))
    {
        var section = new Section(number, title);
        sections.Add(section);
        Console.Error.Write($"bench: {number}. {title}… ");
        var sw = Stopwatch.StartNew();
        try
        {
            await run(o, section, cts.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            section.Failure = e.Message.Split('\n')[0];
            Console.Error.WriteLine(e);
        }
        section.Duration = sw.Elapsed;
        Console.Error.WriteLine(section.Failure is null ? $"{sw.Elapsed.TotalSeconds:0} s" : $"FAILED: {section.Failure}");
    }
    var md = Report.Markdown(sections, o, total.Elapsed, machine + $" Load average at the end: {await Machine.LoadAsync()}.");
    Directory.CreateDirectory(Path.GetDirectoryName(o.Out)!);
    await File.WriteAllTextAsync(o.Out, md);
    Console.WriteLine(md);
    return sections.Any(s => s.Failure is not null) ? 1 : 0;
}

using System.Diagnostics;
using System.Runtime.InteropServices;

// A stand-in for a coding-agent CLI, spawned by the tests. It accepts any codex-style command line and reads its
// instructions from the prompt (the last argument), as space- or semicolon-separated key=value words:
//   replay=<path>     print the lines of a fixture file (relative paths resolve under tests/fixtures/agents)
//   delay=<ms>        pause between replayed lines
//   reply=<text>      print a minimal codex event stream whose answer is <text> (underscores become spaces)
//   exit=<code>       exit code (default 0)
//   sleep=<s|forever> sleep before exiting
//   ignoreterm        ignore SIGTERM
//   grandchild        start a child that sleeps forever (same process group)
//   grandchild_pgid   start a child that sleeps forever in its own process group (setsid)
//   pidfile=<path>    write this process's pid (and children's, one per line) to a file
//   ratelimit_once=<path>  the first run (no file at <path> yet) creates it and fails as codex does on an HTTP 429
//   write=<file>:<text>  write <text> (underscores become spaces) and a newline to <file> in the working dir (repeatable)
//   commit            git add -A and commit in the working dir, as an agent that commits its own work
//   echoenv=<NAME>    with reply=: the answer is "<NAME>=<its value in this process>" ("unset" when it is not set)
// A replayed conversation ("--- new message ---") is read from that marker on: earlier instructions are history.
// `exec fork <thread>` starts a new thread id (like `exec resume`, which keeps it).
if (args.Length == 4 && args[0] == "increment")
    return await StoreHammer.IncrementAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
if (args.Length == 4 && args[0] == "events")
    return StoreHammer.AppendEvents(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));

var prompt = args.Length > 0 ? args[^1] : "";
var marker = prompt.LastIndexOf("--- new message ---", StringComparison.Ordinal);
if (marker >= 0) prompt = prompt[(marker + "--- new message ---".Length)..];
var words = prompt.Split([' ', ';', '\n'], StringSplitOptions.RemoveEmptyEntries);
var opts = words
    .Select(w => w.Split('=', 2))
    .GroupBy(p => p[0])
    .ToDictionary(g => g.Key, g => g.Last().Length > 1 ? g.Last()[1] : "");
string? Opt(string k) => opts.TryGetValue(k, out var v) ? v : null;

PosixSignalRegistration? term = null;
if (Opt("ignoreterm") is not null) term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => ctx.Cancel = true);

var pids = new List<int> { Environment.ProcessId };
var self = Environment.ProcessPath!;
if (Opt("grandchild") is not null) pids.Add(Spawn(self, [], "sleep=forever"));
if (Opt("grandchild_pgid") is not null) pids.Add(Spawn("setsid", [self], "sleep=forever"));
if (Opt("pidfile") is { } pidfile)
{
    // Written whole, then renamed: a test waiting for the file never reads it half written.
    File.WriteAllLines(pidfile + ".tmp", pids.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    File.Move(pidfile + ".tmp", pidfile, overwrite: true);
}

foreach (var w in words.Where(w => w.StartsWith("write=", StringComparison.Ordinal)))
{
    var spec = w["write=".Length..].Split(':', 2);
    var file = Path.GetFullPath(spec[0]);
    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
    File.WriteAllText(file, (spec.Length > 1 ? spec[1].Replace('_', ' ') : "") + "\n");
}
if (Opt("commit") is not null)
{
    foreach (var gitArgs in new[]
             {
                 new[] { "add", "-A" },
                 ["-c", "user.name=agent", "-c", "user.email=agent@localhost", "commit", "-q", "-m", "agent's own commit"],
             })
    {
        var psi = new ProcessStartInfo("git") { UseShellExecute = false };
        foreach (var a in gitArgs) psi.ArgumentList.Add(a);
        using var git = Process.Start(psi)!;
        git.WaitForExit();
    }
}

var delay = int.TryParse(Opt("delay"), out var d) ? d : 0;
if (Opt("ratelimit_once") is { } limitFile && !File.Exists(limitFile))
{
    File.WriteAllText(limitFile, "");
    foreach (var line in File.ReadLines(ResolveFixture("codex/10_rate_limit_429.jsonl"))) Console.Out.WriteLine(line);
    return 1;
}
if (Opt("replay") is { } replay)
{
    var path = ResolveFixture(replay);
    foreach (var line in File.ReadLines(path))
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
        if (delay > 0) Thread.Sleep(delay);
    }
}
if (Opt("reply") is { } reply)
{
    var resumeAt = Array.IndexOf(args, "resume");
    var thread = resumeAt >= 0 && resumeAt + 1 < args.Length && !args[resumeAt + 1].StartsWith('-')
        ? args[resumeAt + 1]
        : Guid.NewGuid().ToString();
    var text = Opt("echoenv") is { } name ? $"{name}={Environment.GetEnvironmentVariable(name) ?? "unset"}" : reply.Replace('_', ' ');
    Emit($$"""{"type":"thread.started","thread_id":"{{thread}}"}""");
    Emit("""{"type":"turn.started"}""");
    Emit($$$"""{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"{{{text}}}"}}""");
    Emit("""{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":10,"reasoning_output_tokens":0}}""");
}
if (Opt("sleep") is { } sleep)
{
    if (sleep == "forever") Thread.Sleep(Timeout.Infinite);
    else Thread.Sleep(TimeSpan.FromSeconds(double.Parse(sleep, System.Globalization.CultureInfo.InvariantCulture)));
}
GC.KeepAlive(term);
return int.TryParse(Opt("exit"), out var code) ? code : 0;

void Emit(string line)
{
    Console.Out.WriteLine(line);
    Console.Out.Flush();
    if (delay > 0) Thread.Sleep(delay);
}

static int Spawn(string file, string[] prefix, string prompt)
{
    var psi = new ProcessStartInfo(file) { UseShellExecute = false };
    foreach (var a in prefix) psi.ArgumentList.Add(a);
    psi.ArgumentList.Add(prompt);
    using var p = Process.Start(psi)!;
    return p.Id;
}

static string ResolveFixture(string path)
{
    if (File.Exists(path)) return path;
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "agents", path);
        if (File.Exists(candidate)) return Path.GetFullPath(candidate);
    }
    throw new FileNotFoundException($"fixture not found: {path}");
}

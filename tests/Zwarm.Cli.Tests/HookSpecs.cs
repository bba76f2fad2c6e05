using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Hooks;
using Zwarm.Cli.Tests.Infra;
using Zwarm.Core.Config;
using Zwarm.Core.Events;

namespace Zwarm.Cli.Tests;

/// <summary>[[hooks]]: run, url (a loopback listener), notify; failing and hanging hooks; hooks fired detached by a session.</summary>
public sealed class HookSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ZwarmEvent Sample(string name = "completed") => new()
    {
        Ts = DateTimeOffset.Now, Event = name, SessionId = "3f2b1a2c-0000-4000-8000-000000000000", ShortId = "3f2b1a2c", Turn = 1,
        Adapter = "codex", Status = "completed", Reason = null, CostUsd = 0.01, Tokens = 110,
    };

    private static HookConfig Run(int i, string command, double timeout = 30)
        => new(i, ["completed"], HookKind.Run, command, null, TimeSpan.FromSeconds(timeout));

    [Fact(Timeout = 60_000)]
    public async Task A_run_hook_gets_the_event_in_its_environment_while_a_failing_and_a_hanging_one_delay_nothing()
    {
        using var dir = new TempDir("zwarm-hooks-");
        var context = new HookContext("fix the tests", "All green.", dir.Path, dir.Path);
        var watch = Stopwatch.StartNew();

        var results = await new HookRunner(dir.Path).RunAsync(Sample(), context,
        [
            Run(1,
                "echo \"$ZWARM_EVENT|$ZWARM_SESSION_ID|$ZWARM_SHORT_ID|$ZWARM_STATUS|$ZWARM_TASK|$ZWARM_REPLY|$ZWARM_PROJECT\" " +
                "> env.txt; " +
                "echo said hello"),
            Run(2, "echo broken >&2; exit 3"),
            Run(3, "sleep 60", timeout: 1),
        ], Ct);

        watch.Elapsed.Should()
            .BeLessThan(TimeSpan.FromSeconds(20), "the hanging hook is killed at its timeout, the others do not wait for it");
        File.ReadAllText(Path.Combine(dir.Path, "env.txt")).Trim()
            .Should().Be($"completed|3f2b1a2c-0000-4000-8000-000000000000|3f2b1a2c|completed|fix the tests|All green.|{dir.Path}");
        results.Select(r => (r.Hook.Index, r.Ok)).Should().Equal((1, true), (2, false), (3, false));
        results[1].Summary.Should().Be("failed (exit 3)");
        results[2].Summary.Should().StartWith("timed out after 1s");
        var log = File.ReadAllText(Path.Combine(dir.Path, "hooks.log"));
        log.Should().Contain("hook #1 (run): ok (exit 0)").And.Contain("  | said hello").And.Contain("hook #2 (run): failed (exit 3)")
            .And.Contain("  | broken").And.Contain("hook #3 (run): timed out");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_url_hook_posts_the_event_as_json_and_retries_a_server_error()
    {
        using var server = new LoopbackListener(failFirst: 2);
        using var dir = new TempDir("zwarm-hooks-");
        var hook = new HookConfig(1, ["completed"], HookKind.Url, null, server.Url, TimeSpan.FromSeconds(20));

        var results = await new HookRunner(dir.Path).RunAsync(Sample(), new HookContext("the task", null, dir.Path, dir.Path), [hook], Ct);

        results.Single().Ok.Should().BeTrue(results.Single().Summary);
        results.Single().Summary.Should().Be("ok (HTTP 200, 3 tries)");
        server.Bodies.Should().HaveCount(3);
        var body = JsonNode.Parse(server.Bodies[^1])!;
        body["event"]!.GetValue<string>().Should().Be("completed");
        body["short_id"]!.GetValue<string>().Should().Be("3f2b1a2c");
        body["task"]!.GetValue<string>().Should().Be("the task");
        server.ContentTypes.Should().AllSatisfy(c => c.Should().StartWith("application/json"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_url_hook_that_never_answers_gives_up_at_its_timeout()
    {
        using var server = new LoopbackListener(failFirst: 0, hang: true);
        using var dir = new TempDir("zwarm-hooks-");
        var hook = new HookConfig(1, ["completed"], HookKind.Url, null, server.Url, TimeSpan.FromSeconds(2));
        var watch = Stopwatch.StartNew();

        var results = await new HookRunner(dir.Path).RunAsync(Sample(), new HookContext(null, null, dir.Path, dir.Path), [hook], Ct);

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(8));
        results.Single().Ok.Should().BeFalse();
        results.Single().Summary.Should().StartWith("timed out after 2s");
    }

    [Fact(Timeout = 90_000)]
    public async Task Hooks_of_a_session_run_detached_and_a_hanging_hook_never_holds_the_session_back()
    {
        await using var p = new TestProject(Ct, "\n[[hooks]]\non = [\"completed\"]\nrun = \"sleep 30\"\ntimeout = 25\n" +
            "[[hooks]]\non = [\"completed\", \"failed\"]\n" +
            "run = \"echo \\\"$ZWARM_EVENT $ZWARM_SHORT_ID ${ZWARM_DIR:-none} $ZWARM_REPLY\\\" >> hook-fired.txt\"\n");
        var watch = Stopwatch.StartNew();

        var first = await p.SpawnDoneAsync("reply=First_one");
        var second = await p.SpawnDoneAsync("exit=3");

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(25), "the 30 s hook delays neither session");
        p.Status(first).Should().Be("completed");
        var fired = Path.Combine(p.Dir, "hook-fired.txt");
        (await Eventually(() => File.Exists(fired) && File.ReadAllLines(fired).Length == 2)).Should().BeTrue();
        // The detached `_hooks` is told its store as an argument: nothing leaks into a hook's environment.
        File.ReadAllLines(fired).Should().BeEquivalentTo($"completed {first[..8]} none First one", $"failed {second[..8]} none ");
    }

    [Fact(Timeout = 240_000)]
    public async Task Hooks_test_fires_the_hooks_of_an_event_by_hand_and_notify_uses_notify_send()
    {
        await using var p = new TestProject(
            Ct, "\n[[hooks]]\nnotify = true\ntimeout = 30\n[[hooks]]\non = [\"failed\"]\nrun = \"exit 4\"\n");
        var bin = Path.Combine(p.Dir, "bin");
        Directory.CreateDirectory(bin);
        var fake = Path.Combine(bin, "notify-send");
        File.WriteAllText(fake, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{Path.Combine(p.Dir, "notified.txt")}'\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var env = new Dictionary<string, string?> { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") };

        // A real zwarm process, so notify-send is looked up on this PATH.
        async Task<CliResult> Run(params string[] args)
        {
            await using var proc = CliProcess.Start(p.Dir, args, null, env, ct: Ct);
            return await proc.WaitAsync(TestProject.RunTimeout, Ct);
        }
        var ok = await Run("hooks", "test", "completed");
        ok.ExitCode.Should().Be(0, ok.ToString());
        ok.Stdout.Should().Contain("hook #1 (notify)").And.NotContain("skipped");
        var notified = File.ReadAllLines(Path.Combine(p.Dir, "notified.txt"));
        var failing = await Run("hooks", "test", "failed");
        var none = await Run("hooks", "test", "merged");
        var unknown = await Run("hooks", "test", "exploded");

        ok.ExitCode.Should().Be(0, ok.ToString());
        ok.Stdout.Should().Contain("hook #1 (notify)");
        notified.Should().Contain("zwarm: instance completed");
        failing.ExitCode.Should().Be(1);
        failing.Stdout.Should().Contain("FAIL").And.Contain("failed (exit 4)");
        none.ExitCode.Should().Be(1);
        none.ErrLines.Should().ContainSingle().Which.Should().Contain("no hook listens to 'merged'");
        unknown.ExitCode.Should().Be(2);
        unknown.ErrLines.Should().ContainSingle().Which.Should().Contain("unknown event 'exploded'");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bad_hook_entry_is_a_clear_error_naming_it()
    {
        await using var p = new TestProject(Ct, "\n[[hooks]]\non = [\"completed\"]\nrun = \"true\"\nurl = \"http://127.0.0.1:1/\"\n");

        var r = await p.RunAsync("ls");

        r.ExitCode.Should().Be(1);
        r.ErrLines.Should().ContainSingle().Which.Should().Contain("[[hooks]] #1: give exactly one of run, url or notify");
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && !condition()) await Task.Delay(100, Ct);
        return condition();
    }

    /// <summary>
    /// An HTTP server on 127.0.0.1 that records POST bodies, answers 500 to the first <c>failFirst</c>, then 200 (or never).
    /// </summary>
    private sealed class LoopbackListener : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<string> _bodies = [];
        private readonly List<string> _types = [];
        private readonly CancellationTokenSource _stop = new();

        public LoopbackListener(int failFirst, bool hang = false)
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException) { return; }
                    using var reader = new StreamReader(ctx.Request.InputStream);
                    var body = await reader.ReadToEndAsync();
                    int n;
                    lock (_bodies)
                    {
                        _bodies.Add(body);
                        _types.Add(ctx.Request.ContentType ?? "");
                        n = _bodies.Count;
                    }
                    if (hang) continue;
                    ctx.Response.StatusCode = n <= failFirst ? 500 : 200;
                    ctx.Response.Close();
                }
            });
        }

        public string Url { get; }

        public IReadOnlyList<string> Bodies { get { lock (_bodies) return [.. _bodies]; } }

        public IReadOnlyList<string> ContentTypes { get { lock (_bodies) return [.. _types]; } }

        private static int FreePort()
        {
            var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Close();
        }
    }
}

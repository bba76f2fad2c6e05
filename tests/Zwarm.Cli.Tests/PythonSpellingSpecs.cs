using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>
/// Python zwarm's exec, sessions and session sub-app through the real command tree (in process): the same effect as our native forms.
/// </summary>
public sealed class PythonSpellingSpecs
{
    private static JsonObject Json(CliResult r) => JsonNode.Parse(r.Stdout)!.AsObject();

    private static string[] Same(JsonNode s) =>
        [
            s["task"]!.GetValue<string>(), s["status"]!.GetValue<string>(), s["model"]!.GetValue<string>(),
            s["adapter"]!.GetValue<string>(), s["working_dir"]!.GetValue<string>(),
            s["messages"]!.AsArray().Last()!["content"]!.GetValue<string>(),
        ];

    [Fact(Timeout = 60000)]
    public async Task Exec_with_task_and_wait_does_what_spawn_does()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);

        var native = await cli.RunAsync("spawn", "reply=Four", "-m", "mini", "--wait", "--json");
        var python = await cli.RunAsync("exec", "--task", "reply=Four", "--model", "mini", "--wait", "--json");
        var shortForm = await cli.RunAsync("exec", "-t", "reply=Four", "-m", "mini", "--wait", "--json");
        var positional = await cli.RunAsync("exec", "reply=Four", "-m", "mini", "--wait", "--json");
        var text = await cli.RunAsync("exec", "--task", "reply=Four", "--wait");

        foreach (var r in new[] { native, python, shortForm, positional }) r.ExitCode.Should().Be(0, r.ToString());
        Same(Json(python)).Should().Equal(Same(Json(native))).And.Subject.Last().Should().Be("Four");
        Same(Json(shortForm)).Should().Equal(Same(Json(native)));
        Same(Json(positional)).Should().Equal(Same(Json(native)));
        text.Stdout.Should().Contain("completed").And.EndWith("Four\n");
        cli.SessionIds().Should().HaveCount(5);
    }

    [Fact(Timeout = 60000)]
    public async Task Exec_working_dir_is_the_project_it_runs_in_as_if_started_there()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var other = Path.Combine(p.Dir, "other");
        Directory.CreateDirectory(Path.Combine(other, ".zwarm"));
        File.Copy(Path.Combine(p.Dir, ".zwarm", "config.toml"), Path.Combine(other, ".zwarm", "config.toml"));

        var python = await cli.RunAsync("exec", "-t", "reply=There", "-w", "other", "--wait", "--json");
        var native = await cli.RunInAsync(other, null, "spawn", "reply=There", "--wait", "--json");

        python.ExitCode.Should().Be(0, python.ToString());
        Same(Json(python)).Should().Equal(Same(Json(native)));
        Json(python)["working_dir"]!.GetValue<string>().Should().Be(other);
        cli.SessionIds(other).Should().HaveCount(2);
        cli.SessionIds().Should().BeEmpty("the session lives in other/.zwarm, as Python's exec -w put it");
    }

    [Theory(Timeout = 30000)]
    [InlineData(new[] { "exec" }, "zwarm: exec needs a task: zwarm exec \"task\" or zwarm exec --task \"task\"")]
    [InlineData(new[] { "exec", "a", "--task", "b" }, "zwarm: give the task once: as an argument or with --task, not both")]
    [InlineData(new[] { "exec", "-t", "x", "-w", "no-such-dir" }, "zwarm: --working-dir no-such-dir: no such folder")]
    [InlineData(new[] { "sessions", "--clean", "--kill-all" }, "zwarm: sessions takes one of --clean, --kill-all, --rm ID, --kill ID")]
    public async Task Bad_python_spellings_are_one_line_usage_errors_that_change_nothing(string[] args, string error)
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var before = p.Snapshot();

        var r = await new InProcessCli(p).RunAsync(args);

        r.ExitCode.Should().Be(2, r.ToString());
        r.ErrLines.Should().Equal(error);
        p.Snapshot().Should().Be(before);
    }

    // A running session's runtime grows between two listings.
    private static string Listing(CliResult r)
    {
        var arr = JsonNode.Parse(r.Stdout)!.AsArray();
        foreach (var s in arr) s!.AsObject().Remove("runtime_seconds");
        return arr.ToJsonString();
    }

    [Fact(Timeout = 60000)]
    public async Task Sessions_lists_as_ls_and_its_quick_actions_are_kill_and_rm()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var done = await cli.SpawnAsync("reply=Done", "--wait");
        var failed = await cli.SpawnAsync("exit=3", "--wait");
        var a = await cli.SpawnAsync("sleep=forever");
        var b = await cli.SpawnAsync("sleep=forever");

        var list = await cli.RunAsync("sessions", "--json");
        var ls = await cli.RunAsync("ls", "--json");
        var table = await cli.RunAsync("sessions");
        var killOne = await cli.RunAsync("sessions", "--kill", a[..6]);
        var killAll = await cli.RunAsync("sessions", "-k", "--json");
        var rm = await cli.RunAsync("sessions", "--rm", failed[..6]);

        Listing(list).Should().Be(Listing(ls));
        table.Stdout.Should().StartWith("2 running · 0 queued · 1 done · 1 failed · 0 killed").And.Contain(done[..8]).And.Contain(b[..8]);
        killOne.ExitCode.Should().Be(0, killOne.ToString());
        p.Status(a).Should().Be("killed");
        JsonNode.Parse(killAll.Stdout)!.AsArray().Select(k => k!["id"]!.GetValue<string>()).Should().Equal(b);
        p.Status(b).Should().Be("killed");
        rm.Stdout.Should().Be($"removed {failed[..8]}  failed\n");
        cli.SessionIds().Should().BeEquivalentTo([done, a, b]);
    }

    [Fact(Timeout = 60000)]
    public async Task Sessions_clean_asks_then_removes_every_finished_session_like_rm_finished()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var done = await cli.SpawnAsync("reply=Done", "--wait");
        var failed = await cli.SpawnAsync("exit=3", "--wait");
        var running = await cli.SpawnAsync("sleep=forever");
        var before = p.Snapshot();

        var declined = await cli.RunWithAsync("n\n", "sessions", "--clean");
        p.Snapshot().Should().Be(before);
        var accepted = await cli.RunWithAsync("y\n", "sessions", "-c");

        declined.ExitCode.Should().Be(1);
        declined.Stderr.Should().Be("remove 2 finished session(s)? [y/N] zwarm: aborted; nothing removed\n");
        accepted.ExitCode.Should().Be(0, accepted.ToString());
        accepted.Stdout.Should().Contain($"removed {done[..8]}").And.Contain($"removed {failed[..8]}");
        cli.SessionIds().Should().Equal(running);
        p.Status(running).Should().Be("running");

        var again = await cli.SpawnAsync("reply=Again", "--wait");
        var yes = await cli.RunAsync("sessions", "--clean", "-y", "--json");
        JsonNode.Parse(yes.Stdout)!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().Equal(again);
    }

    [Fact(Timeout = 90000)]
    public async Task The_session_sub_app_maps_each_verb_onto_ours()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);

        var start = await cli.RunAsync("session", "start", "reply=First_answer", "-m", "mini", "--json", "--wait");
        var id = JsonNode.Parse(start.Stdout)!["id"]!.GetValue<string>();
        var running = await cli.SpawnAsync("sleep=forever");
        var lsRunning = await cli.RunAsync("session", "ls", "--json");
        var lsAll = await cli.RunAsync("session", "ls", "--all", "--json");
        var raw = await cli.RunAsync("session", "show", id[..6], "--raw");
        var nativeShow = await cli.RunAsync("show", id[..6], "--json");
        var pythonShow = await cli.RunAsync("session", "show", id[..6], "--json");
        var logs = await cli.RunAsync("session", "logs", id[..6], "--turn", "1");
        var nativeLogs = await cli.RunAsync("logs", id[..6], "-t", "1");
        var inject = await cli.RunAsync("session", "inject", id[..6], "reply=Second_answer", "--wait", "--json");
        var kill = await cli.RunAsync("session", "kill", running[..6]);

        start.ExitCode.Should().Be(0, start.ToString());
        JsonNode.Parse(lsRunning.Stdout)!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().Equal(running);
        JsonNode.Parse(lsAll.Stdout)!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().BeEquivalentTo([id, running]);
        raw.Stdout.Should().Be("USER: reply=First_answer\nASSISTANT: First answer\n");
        pythonShow.Stdout.Should().Be(nativeShow.Stdout);
        logs.Stdout.Should().NotBeEmpty().And.Be(nativeLogs.Stdout);
        inject.ExitCode.Should().Be(0, inject.ToString());
        JsonNode.Parse(inject.Stdout)!["turn"]!.GetValue<int>().Should().Be(2);
        JsonNode.Parse(inject.Stdout)!["messages"]!.AsArray().Last()!["content"]!.GetValue<string>().Should().Be("Second answer");
        kill.ExitCode.Should().Be(0, kill.ToString());
        p.Status(running).Should().Be("killed");

        var noneRunning = await cli.RunAsync("session", "ls");
        noneRunning.Stdout.Should().Be("no running or queued sessions (zwarm session ls --all shows every session)\n");
        var clean = await cli.RunAsync("session", "clean", "--keep-days", "0", "--yes");
        clean.ExitCode.Should().Be(0, clean.ToString());
        clean.Stderr.Should().BeEmpty("Python's session clean meant what ours means: no note");
        cli.SessionIds().Should().BeEmpty();
    }

    [Fact(Timeout = 60000)]
    public async Task Session_start_and_ls_with_dir_use_that_projects_store()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var sub = Path.Combine(p.Dir, "sub");
        Directory.CreateDirectory(Path.Combine(sub, ".zwarm"));
        File.Copy(Path.Combine(p.Dir, ".zwarm", "config.toml"), Path.Combine(sub, ".zwarm", "config.toml"));

        var start = await cli.RunAsync("session", "start", "reply=In_sub", "--dir", "sub", "--wait", "--json");
        var ls = await cli.RunAsync("session", "ls", "-a", "-d", "sub", "--json");
        var sessions = await cli.RunAsync("sessions", "-d", "sub", "--json");
        var here = await cli.RunAsync("sessions", "--json");

        start.ExitCode.Should().Be(0, start.ToString());
        JsonNode.Parse(start.Stdout)!["working_dir"]!.GetValue<string>().Should().Be(sub);
        JsonNode.Parse(ls.Stdout)!.AsArray().Should().ContainSingle();
        JsonNode.Parse(sessions.Stdout)!.AsArray().Should().ContainSingle();
        JsonNode.Parse(here.Stdout)!.AsArray().Should().BeEmpty();
    }

    [Fact(Timeout = 30000)]
    public async Task Capital_V_prints_the_version_as_version_does()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);

        var python = await cli.RunAsync("-V");
        var native = await cli.RunAsync("--version");

        python.ExitCode.Should().Be(0);
        python.Stdout.Should().NotBeEmpty().And.Be(native.Stdout);
    }

    [Fact(Timeout = 60000)]
    public async Task Interactive_dir_runs_the_repl_in_that_project()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var sub = Path.Combine(p.Dir, "sub");
        Directory.CreateDirectory(Path.Combine(sub, ".zwarm"));
        File.Copy(Path.Combine(p.Dir, ".zwarm", "config.toml"), Path.Combine(sub, ".zwarm", "config.toml"));

        var r = await cli.RunWithAsync("spawn reply=From_the_repl --wait\n", "interactive", "--dir", "sub");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("From the repl");
        cli.SessionIds(sub).Should().ContainSingle();
        cli.SessionIds().Should().BeEmpty();
    }

    [Fact(Timeout = 60000)]
    public async Task Top_level_clean_and_reset_say_in_one_line_where_python_meant_something_else()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);

        var clean = await cli.RunAsync("clean", "-y");
        var cleanDays = await cli.RunAsync("clean", "-y", "--keep-days", "3");
        var reset = await cli.RunAsync("reset", "-y");

        clean.ErrLines.Should().ContainSingle().Which.Should()
            .Contain("Python zwarm's clean killed orphan processes: here that is zwarm orphans --kill");
        cleanDays.Stderr.Should().BeEmpty();
        reset.ErrLines.Should().ContainSingle().Which.Should().Contain("Python zwarm's reset deleted all of .zwarm/");
    }

    [Fact(Timeout = 60000)]
    public async Task Reset_all_asks_then_also_removes_every_session_and_plain_reset_keeps_them()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var done = await cli.SpawnAsync("reply=Done", "--wait");
        var running = await cli.SpawnAsync("sleep=forever");

        var plain = await cli.RunAsync("reset", "-y");
        var declined = await cli.RunWithAsync("n\n", "reset", "--all");
        cli.SessionIds().Should().HaveCount(2);
        var accepted = await cli.RunWithAsync("y\n", "reset", "--all");

        plain.Stdout.Should().Be("nothing to reset (no instances)\n");
        declined.ExitCode.Should().Be(1);
        declined.Stderr.Should().Contain("delete the state of 0 instance(s) and all 2 session(s), killing 1 running? [y/N] ");
        accepted.ExitCode.Should().Be(0, accepted.ToString());
        accepted.Stdout.Should().Be("deleted the state of 0 instance(s) and 2 session(s)\n");
        cli.SessionIds().Should().BeEmpty();
        _ = done;
    }

    [Fact(Timeout = 60000)]
    public async Task Init_working_dir_creates_that_project_and_with_project_writes_a_zwarm_yaml_that_reads_back()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var fresh = Path.Combine(p.Dir, "fresh");

        var r = await cli.RunAsync("init", "-w", "fresh", "--with-project", "-y");
        var again = await cli.RunAsync("init", "-w", "fresh", "--with-project", "-y");

        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Contain("wrote    zwarm.yaml");
        File.Exists(Path.Combine(fresh, ".zwarm", "config.toml")).Should().BeTrue();
        var context = await Zwarm.Core.Config.ProjectContext.LoadAsync(fresh, p.Ct);
        context.Should().NotBeNull();
        context!.IsEmpty.Should().BeTrue("the template holds only comments and empty values");
        again.Stdout.Should().Contain("kept     zwarm.yaml");
    }

    [Fact(Timeout = 60000)]
    public async Task Instances_and_history_take_the_working_dir_and_history_takes_limit()
    {
        await using var p = new TestProject(TestContext.Current.CancellationToken);
        var cli = new InProcessCli(p);
        var empty = Path.Combine(p.Dir, "empty");
        Directory.CreateDirectory(empty);

        var instances = await cli.RunAsync("instances", "-w", "empty", "--all", "--json");
        var history = await cli.RunAsync("history", "--working-dir", "empty", "--limit", "5");
        var historyN = await cli.RunAsync("history", "-w", "empty", "-n", "5");

        instances.ExitCode.Should().Be(0, instances.ToString());
        instances.Stdout.Trim().Should().Be("[]");
        history.ExitCode.Should().Be(0, history.ToString());
        history.Stdout.Should().Be(historyN.Stdout).And.Be("no events\n");
    }
}

using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>The REPL in a real pseudo-terminal (tmux): our line editor, Tab completion and Ctrl+C as a user meets them.</summary>
[Collection(ReplSpecs.Name)]
public sealed class ReplTerminalSpecs
{
    [Fact(Timeout = 180000)]
    public async Task Tab_completes_a_session_id_and_Ctrl_C_cancels_a_line_or_a_command_but_never_the_REPL()
    {
        var ct = TestContext.Current.CancellationToken;
        Need.Tool(Tmux.Available, "tmux is not installed (CI installs it)");
        await using var p = new TestProject(ct);
        var done = await p.SpawnDoneAsync("reply=Hello_from_the_agent");
        var forever = await p.SpawnAsync("sleep=forever");
        var prefix = done[..Enumerable.Range(3, 6).First(n => !forever.StartsWith(done[..n], StringComparison.Ordinal))];
        await using var term = await StartReplAsync(p, "interactive", ct);

        await term.TypeAsync("sho");
        await term.PressAsync("Tab");
        await term.TypeAsync(prefix);
        await term.PressAsync("Tab");
        await term.WaitForAsync(s => Tmux.LastLine(s) == $"zwarm> show {done[..8]}", "the command and the session id completed");
        await term.PressAsync("Enter");
        await term.WaitForAsync(
            s => s.Contains("Hello from the agent", StringComparison.Ordinal) && Tmux.LastLine(s) == "zwarm>", "the conversation");

        await term.TypeAsync("spawn never_started");
        await term.PressAsync("C-c");
        await term.WaitForAsync(
            s => s.Contains("zwarm> spawn never_started^C", StringComparison.Ordinal) && Tmux.LastLine(s) == "zwarm>",
            "the line cancelled");

        // watch prints its header once it runs: from then on Ctrl+C is the command's, and ends only it.
        await term.TypeAsync($"watch {forever[..8]}");
        await term.PressAsync("Enter");
        await term.WaitForAsync(s => s.Contains("following; Ctrl+C stops watching", StringComparison.Ordinal), "the watch running");
        await term.PressAsync("C-c");
        await term.WaitForAsync(s => Tmux.LastLine(s) == "zwarm>", "the watch cancelled and the prompt back");

        await term.PressAsync("Up", "Up");
        await term.WaitForAsync(s => Tmux.LastLine(s) == $"zwarm> show {done[..8]}", "the history recalled");
        await term.PressAsync("C-u");
        await term.TypeAsync("ls");
        await term.PressAsync("Enter");
        await term.WaitForAsync(s => s.Contains("1 running", StringComparison.Ordinal) && Tmux.LastLine(s) == "zwarm>", "ls");
        await term.TypeAsync("quit");
        await term.PressAsync("Enter");
        await term.WaitForAsync(s => s.Contains("[zwarm exited 0]", StringComparison.Ordinal), "the REPL leaving on quit");

        p.Status(forever).Should().Be("running", "cancelling the watch leaves the session alone");
        File.ReadAllLines(Path.Combine(p.Dir, ".zwarm", "history")).Should()
            .Equal($"show {done[..8]}", $"watch {forever[..8]}", "ls", "quit");
    }

    [Fact(Timeout = 120000)]
    public async Task Ctrl_D_on_an_empty_line_leaves_and_a_confirmation_is_answered_through_the_editor()
    {
        var ct = TestContext.Current.CancellationToken;
        Need.Tool(Tmux.Available, "tmux is not installed (CI installs it)");
        await using var p = new TestProject(ct);
        var done = await p.SpawnDoneAsync("reply=Bye");
        await using var term = await StartReplAsync(p, "i", ct);

        await term.TypeAsync("rm all");
        await term.PressAsync("Enter");
        await term.WaitForAsync(s => Tmux.LastLine(s) == "remove all 1 finished session(s)? [y/N]", "the question");
        await term.TypeAsync("maybe");
        await term.PressAsync("C-c");
        await term.WaitForAsync(
            s => s.Contains("zwarm: aborted; nothing removed", StringComparison.Ordinal) && Tmux.LastLine(s) == "zwarm>",
            "Ctrl+C answering no");
        Directory.Exists(Path.Combine(p.SessionsDir, done)).Should().BeTrue();

        await term.TypeAsync("rm all");
        await term.PressAsync("Enter");
        await term.WaitForAsync(s => Tmux.LastLine(s) == "remove all 1 finished session(s)? [y/N]", "the question again");
        await term.TypeAsync("y");
        await term.PressAsync("Enter");
        await term.WaitForAsync(
            s => s.Contains($"removed {done[..8]}", StringComparison.Ordinal) && Tmux.LastLine(s) == "zwarm>", "the removal");
        await term.PressAsync("C-d");
        await term.WaitForAsync(s => s.Contains("[zwarm exited 0]", StringComparison.Ordinal), "the REPL leaving on Ctrl+D");
        Directory.Exists(Path.Combine(p.SessionsDir, done)).Should().BeFalse();
    }

    /// <summary>zwarm interactive in a terminal, once its prompt shows; afterwards the terminal says how zwarm exited.</summary>
    private static async Task<Tmux> StartReplAsync(TestProject p, string verb, CancellationToken ct)
    {
        var term = await Tmux.StartAsync(p.Dir, $"'{Repo.Zwarm}' {verb}; echo \"[zwarm exited $?]\"; sleep 600", ct);
        try
        {
            await term.WaitForAsync(s => Tmux.LastLine(s) == "zwarm>", "the prompt");
            return term;
        }
        catch
        {
            await term.DisposeAsync();
            throw;
        }
    }
}

using System.Diagnostics;
using AwesomeAssertions;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Sessions;

/// <summary>A turn's files are named once (TurnFiles); the wrapper and follower scripts get them as shell variables.</summary>
public sealed class TurnFilesSpecs
{
    private const string Id = "3f2b1a2c-0000-4000-8000-000000000000";

    [Fact]
    public void The_store_layout_and_the_scripts_name_the_same_files()
    {
        var layout = new StoreLayout("/p/.zwarm");
        var files = layout.Turn(Id, 3);

        files.Output.Should().Be($"/p/.zwarm/sessions/{Id}/turns/turn_3.jsonl").And.Be(layout.TurnFile(Id, 3));
        files.Exit.Should().Be($"/p/.zwarm/sessions/{Id}/turns/turn_3.exit").And.Be(layout.ExitFile(Id, 3));
        files.HostLink.Should().Be(layout.HostLinkFile(Id, 3));
        files.HostVanished.Should().Be(layout.HostVanishedFile(Id, 3));
        files.SupervisorLog.Should().Be($"/p/.zwarm/sessions/{Id}/supervisor.log");
        files.FinalizeLockPrefix.Should().Be("/p/.zwarm/sessions/.finalize-");
    }

    [Theory]
    [InlineData("/tmp/a b/.zwarm")]
    [InlineData("/tmp/it's $HOME `id` \"q\"/.zwarm")]
    public async Task The_shell_sees_every_path_exactly_whatever_the_folder_is_called(string zwarmDir)
    {
        var files = new StoreLayout(zwarmDir).Turn(Id, 12);
        var psi = new ProcessStartInfo("sh") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(files.ShellVariables()
            + "printf '%s\\n' \"$out\" \"$code\" \"$code_tmp\" \"$link\" \"$vanished\" \"$sshlog\" "
            + "\"$follow_lock\" \"$suplog\" \"$fin_lock\"");
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);

        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            files.Output, files.Exit, files.ExitTemp, files.HostLink, files.HostVanished, files.SshLogPrefix, files.FollowLock,
            files.SupervisorLog, files.FinalizeLockPrefix);
    }
}

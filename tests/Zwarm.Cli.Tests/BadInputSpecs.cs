using AwesomeAssertions;
using Zwarm.Cli.Tests.Infra;

namespace Zwarm.Cli.Tests;

/// <summary>Bad session ids: exit 1 or 2, exactly one line on stderr, nothing on stdout, nothing changed on disk.</summary>
public sealed class BadInputSpecs(HandmadeStore store) : IClassFixture<HandmadeStore>
{
    private static readonly string[][] IdCommands =
    [
        ["peek"], ["?"], ["show"], ["traj"], ["logs"], ["watch"], ["c", "{id}", "reply=more"], ["kill"], ["rm"], ["wait"],
    ];

    public static TheoryData<string[], int, string> Cases()
    {
        var data = new TheoryData<string[], int, string>();
        foreach (var cmd in IdCommands)
        {
            string[] With(string id) => cmd.Length > 1 ? cmd.Select(a => a == "{id}" ? id : a).ToArray() : [cmd[0], id];
            data.Add(With("ffff"), 1, "zwarm: no session matches 'ffff'");
            data.Add(With("ABC0"), 1, "zwarm: ambiguous session id 'abc0': matches abc01111-0000, abc02222-0000");
            data.Add(With("../x"), 2, "zwarm: invalid session id '../x': expected a uuid or a hex prefix of one");
            if (cmd[0] != "rm")
                data.Add(With("dead"), 1, "zwarm: session dead0000 is unreadable: meta.json is corrupt");
        }
        data.Add(["rm", "dead"], 1, "zwarm: session dead0000 is unreadable: meta.json is corrupt");
        return data;
    }

    [Theory(Timeout = 60000)]
    [MemberData(nameof(Cases))]
    public async Task A_bad_session_id_is_one_line_on_stderr_and_changes_nothing(string[] args, int exitCode, string message)
    {
        var before = store.Project.Snapshot();

        var r = await store.RunAsync(TestContext.Current.CancellationToken, args);

        r.ExitCode.Should().Be(exitCode, r.ToString());
        r.ErrLines.Should().ContainSingle(r.ToString()).Which.Should().StartWith(message);
        r.Stdout.Should().BeEmpty();
        store.Project.Snapshot().Should().Be(before);
    }
}

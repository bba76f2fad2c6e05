using AwesomeAssertions;
using Zwarm.Cli.Repl;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>The REPL history: bounded, no repeats in a row, kept in .zwarm/history across runs.</summary>
[Collection(ReplSpecs.Name)]
public sealed class HistorySpecs : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zwarm-history-" + Guid.NewGuid().ToString("N")[..12]);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string File => Path.Combine(_dir, ".zwarm", "history");

    [Fact]
    public async Task Blank_lines_and_a_repeat_of_the_previous_line_are_not_kept()
    {
        var h = new History();
        foreach (var line in new[] { "ls", "ls", "  ", "", "? 3f2b", "ls", "ls  " }) await h.AddAsync(line, Ct);

        h.Entries.Should().Equal("ls", "? 3f2b", "ls");
    }

    [Fact]
    public async Task Only_the_newest_lines_are_kept()
    {
        var h = new History(capacity: 3);
        foreach (var i in Enumerable.Range(1, 5)) await h.AddAsync($"line {i}", Ct);

        h.Entries.Should().Equal("line 3", "line 4", "line 5");
    }

    [Fact]
    public async Task Lines_survive_into_the_next_run()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        var first = await History.LoadAsync(File, 1000, Ct);
        await first.AddAsync("spawn \"fix it\"", Ct);
        await first.AddAsync("ls", Ct);

        var second = await History.LoadAsync(File, 1000, Ct);
        second.Entries.Should().Equal("spawn \"fix it\"", "ls");
        await second.AddAsync("ls", Ct);
        (await System.IO.File.ReadAllLinesAsync(File, Ct)).Should()
            .Equal(["spawn \"fix it\"", "ls"], "a repeat of the last line is not written either");
    }

    [Fact]
    public async Task Without_a_zwarm_folder_nothing_is_written_until_one_appears()
    {
        var h = await History.LoadAsync(File, 1000, Ct);
        await h.AddAsync("spawn first", Ct);
        Directory.Exists(Path.GetDirectoryName(File)).Should().BeFalse("the REPL must not create .zwarm by itself");

        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        await h.AddAsync("ls", Ct);

        (await System.IO.File.ReadAllLinesAsync(File, Ct)).Should().Equal("spawn first", "ls");
    }

    [Fact]
    public async Task The_file_is_cut_back_to_the_bound_when_it_grows_to_twice_that()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        var h = await History.LoadAsync(File, 10, Ct);
        foreach (var i in Enumerable.Range(1, 21)) await h.AddAsync($"cmd {i}", Ct);

        var lines = await System.IO.File.ReadAllLinesAsync(File, Ct);
        lines.Should().Equal(Enumerable.Range(12, 10).Select(i => $"cmd {i}"));
        (await History.LoadAsync(File, 10, Ct)).Entries.Should().Equal(lines);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}

using Process = System.Diagnostics.Process;
using ProcessStartInfo = System.Diagnostics.ProcessStartInfo;
using AwesomeAssertions;
using Zwarm.Core.Events;

namespace Zwarm.Core.Tests.Events;

public sealed class EventLogSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 120_000)]
    public async Task Eight_processes_appending_at_once_lose_no_line_and_tear_none()
    {
        using var dir = new TempDir();
        const int writers = 8, each = 300;
        var procs = Enumerable.Range(1, writers).Select(w =>
        {
            var psi = new ProcessStartInfo(Repo.FakeAgent) { UseShellExecute = false };
            foreach (var a in new[] { "events", dir.Path, $"writer{w}", each.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            return Process.Start(psi)!;
        }).ToList();
        foreach (var p in procs)
        {
            await p.WaitForExitAsync(Ct);
            p.ExitCode.Should().Be(0);
            p.Dispose();
        }

        var lines = await File.ReadAllLinesAsync(Path.Combine(dir.Path, "events.jsonl"), Ct);
        lines.Should().HaveCount(writers * each);
        var events = lines.Select(l => EventLog.Parse(System.Text.Encoding.UTF8.GetBytes(l))).ToList();
        events.Should().NotContainNulls("every line is one whole event");
        foreach (var g in events.GroupBy(e => e!.SessionId))
            g.Select(e => e!.Turn).Should()
                .Equal(Enumerable.Range(1, each).Cast<int?>(), "writer {0} wrote its events in order, none lost", g.Key);
        events.Select(e => e!.SessionId).Distinct().Should().HaveCount(writers);
    }

    [Fact]
    public void A_full_log_is_rotated_and_no_event_is_lost()
    {
        using var dir = new TempDir();
        var log = new EventLog(dir.Path, maxBytes: 2000, keep: 50);
        for (var i = 1; i <= 100; i++)
            log.Append(new ZwarmEvent { Ts = DateTimeOffset.Now, Event = EventNames.Started, Turn = i, Reason = new string('x', 100) });

        File.Exists(log.RotatedPath(1)).Should().BeTrue();
        new FileInfo(log.Path).Length.Should().BeLessThan(2000 + 400);
        log.ReadAll().Select(e => e.Turn).Should().Equal(Enumerable.Range(1, 100).Cast<int?>());
    }

    [Fact]
    public void Only_keep_rotated_files_are_kept()
    {
        using var dir = new TempDir();
        var log = new EventLog(dir.Path, maxBytes: 500, keep: 2);
        for (var i = 1; i <= 100; i++)
            log.Append(new ZwarmEvent { Ts = DateTimeOffset.Now, Event = EventNames.Started, Turn = i, Reason = new string('x', 100) });

        File.Exists(log.RotatedPath(2)).Should().BeTrue();
        File.Exists(log.RotatedPath(3)).Should().BeFalse();
        log.ReadAll().Select(e => e.Turn).Should().EndWith(100).And.BeInAscendingOrder();
    }

    [Fact(Timeout = 30_000)]
    public async Task Following_yields_what_is_there_then_new_events_as_they_are_written_even_across_rotations()
    {
        using var dir = new TempDir();
        await FollowAcrossRotationsAsync(dir.Path);
    }

    [Fact(Timeout = 30_000)]
    public async Task Following_across_rotations_works_in_a_project_reached_through_a_symbolic_link()
    {
        using var dir = new TempDir();
        var real = Directory.CreateDirectory(Path.Combine(dir.Path, "real")).FullName;
        var link = Path.Combine(dir.Path, "link");
        File.CreateSymbolicLink(link, real);
        await FollowAcrossRotationsAsync(link);
    }

    private static async Task FollowAcrossRotationsAsync(string zwarmDir)
    {
        var log = new EventLog(zwarmDir, maxBytes: 1500, keep: 20);
        log.Append(new ZwarmEvent { Ts = DateTimeOffset.Now, Event = EventNames.Created, Turn = 0 });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var seen = new List<int>();
        var follow = Task.Run(async () =>
        {
            await foreach (var e in log.FollowAsync(cts.Token))
            {
                lock (seen) seen.Add(e.Turn ?? -1);
                if (e.Turn == 40) break;
            }
        }, Ct);
        (await EventuallyAsync(() => { lock (seen) return seen.Count == 1; })).Should().BeTrue("the follower reads what is already there");
        for (var i = 1; i <= 40; i++)
        {
            // As fast as they come: the log rotates several times (every ~6 events) between two reads of the follower,
            // which reads the files in between in order.
            log.Append(new ZwarmEvent { Ts = DateTimeOffset.Now, Event = EventNames.Started, Turn = i, Reason = new string('y', 100) });
        }

        await follow.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        File.Exists(log.RotatedPath(5)).Should().BeTrue("the log was rotated several times while it was followed");
        seen.Should().Equal(Enumerable.Range(0, 41));
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until && !condition()) await Task.Delay(20, Ct);
        return condition();
    }

    [Fact]
    public void A_line_of_another_shape_is_skipped_when_reading()
    {
        using var dir = new TempDir();
        var log = new EventLog(dir.Path);
        log.Append(new ZwarmEvent { Ts = DateTimeOffset.Now, Event = EventNames.Created });
        File.AppendAllText(log.Path, "not json\n{\"foo\":1}\n");
        log.Append(new ZwarmEvent { Ts = DateTimeOffset.Now, Event = EventNames.Removed });

        log.ReadAll().Select(e => e.Event).Should().Equal(EventNames.Created, EventNames.Removed);
    }
}

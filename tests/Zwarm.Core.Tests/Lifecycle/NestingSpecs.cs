using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Tests.Lifecycle;

/// <summary>executor.max_depth: an agent that runs zwarm starts sessions one level deeper, and not beyond the limit.</summary>
public sealed class NestingSpecs
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 90_000)]
    public async Task Agents_learn_their_depth_a_nested_start_is_recorded_and_one_beyond_max_depth_is_refused()
    {
        using var p = await LifecycleProject.CreateAsync();
        var top = await p.UntilFinishedAsync((await p.SpawnAsync("reply=x echoenv=ZWARM_DEPTH")).Id);
        top.Messages.Last().Content.Should().Be("ZWARM_DEPTH=1", "a session a person started runs its agent at depth 1");
        top.Nesting.Should().Be(0);
        JsonObject Meta(string id) =>
            JsonNode.Parse(File.ReadAllText(Path.Combine(p.Manager.Store.SessionDir(id), "meta.json")))!.AsObject();
        Meta(top.Id).ContainsKey("nesting").Should().BeFalse("nothing new is written for a session that is not nested");

        p.Manager.Nesting = 1; // as a zwarm inside that agent would be
        var nested = await p.UntilFinishedAsync((await p.SpawnAsync("reply=x echoenv=ZWARM_DEPTH")).Id);
        nested.Messages.Last().Content.Should().Be("ZWARM_DEPTH=2");
        Meta(nested.Id)["nesting"]!.GetValue<int>().Should().Be(1);
        var continued = await p.Manager.ContinueAsync(nested.Id, "reply=y echoenv=ZWARM_DEPTH", Ct);
        (await p.UntilFinishedAsync(continued.Id)).Messages.Last().Content.Should().Be("ZWARM_DEPTH=2", "a follow-up keeps its depth");

        p.Manager.Nesting = 2;
        var before = (await p.Manager.ListAsync(Ct)).Count;
        var refused = async () => await p.SpawnAsync("reply=too_deep");
        (await refused.Should().ThrowAsync<ZwarmException>()).Which.Message.Should().Be(
            "refused: this zwarm runs inside a session's agent, 2 level(s) deep, and executor.max_depth is 2; " +
            "a session started here would nest deeper (raise executor.max_depth to allow it)");
        (await p.Manager.ListAsync(Ct)).Should().HaveCount(before, "a refused start creates nothing");
    }

    [Fact(Timeout = 60_000)]
    public async Task Max_depth_0_allows_any_nesting()
    {
        using var p = await LifecycleProject.CreateAsync("executor.max_depth=0");
        p.Manager.Nesting = 7;
        var deep = await p.UntilFinishedAsync((await p.SpawnAsync("reply=x echoenv=ZWARM_DEPTH")).Id);
        deep.Messages.Last().Content.Should().Be("ZWARM_DEPTH=8");
    }

    [Theory]
    [InlineData(null, false, 0)]
    [InlineData(null, true, 1)]
    [InlineData("3", true, 3)]
    [InlineData("0", false, 0)]
    [InlineData("-1", true, 1)]
    [InlineData("lots", false, 0)]
    [InlineData("99999", false, 0)]
    public void The_depth_of_this_process_comes_from_its_environment(string? depth, bool insideSession, int expected) =>
        SessionNesting.Parse(depth, insideSession).Should().Be(expected);
}

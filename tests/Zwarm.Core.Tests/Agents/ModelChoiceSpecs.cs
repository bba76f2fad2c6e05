using AwesomeAssertions;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Tests.Lifecycle;

namespace Zwarm.Core.Tests.Agents;

/// <summary>An explicit model must be one the chosen adapter knows, unless forced.</summary>
public sealed class ModelChoiceSpecs
{
    private static readonly ZwarmConfig Defaults = ZwarmConfig.Defaults(Path.GetTempPath());

    [Fact]
    public void An_unknown_model_is_refused_with_the_close_names()
    {
        var act = () => AgentRegistry.Default.Choose(null, "claude-opus-9", Defaults);

        act.Should().Throw<ZwarmException>().Which.Message.Should()
            .StartWith("unknown model 'claude-opus-9'").And.Contain("claude-opus-4").And.Contain("--force-model");
    }

    [Fact]
    public void A_model_of_another_adapter_is_refused_naming_both_adapters_and_this_ones_models()
    {
        var act = () => AgentRegistry.Default.Choose("claude", "mini", Defaults);

        act.Should().Throw<ZwarmException>().Which.Message.Should()
            .Contain("'mini' (gpt-5.1-codex-mini) is a codex model, not claude")
            .And.Contain("sonnet, opus, haiku")
            .And.Contain("--force-model");
    }

    [Fact]
    public void A_misspelt_model_names_the_closest_ones()
    {
        var act = () => AgentRegistry.Default.Choose(null, "gpt-5.1-codx-max", Defaults);

        act.Should().Throw<ZwarmException>().Which.Message.Should().Contain("did you mean").And.Contain("gpt-5.1-codex-max");
    }

    [Fact]
    public void Forcing_takes_the_model_as_given_for_the_adapter_given()
    {
        AgentRegistry.Default.Choose(null, "claude-opus-9", Defaults, forceModel: true).Should()
            .Be((AgentRegistry.Default.Get("codex"), "claude-opus-9"));
        var (adapter, model) = AgentRegistry.Default.Choose("claude", "mini", Defaults, forceModel: true);
        (adapter.Name, model).Should().Be(("claude", "mini"));
    }

    [Fact]
    public void A_model_priced_in_config_is_known()
    {
        var config = ConfigLoader.FromValues(new Dictionary<string, object?> { ["pricing.\"my-local\".input"] = 1.0 }, Path.GetTempPath());

        AgentRegistry.Default.Choose(null, "my-local", config).Model.Should().Be("my-local");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_refused_model_creates_no_session()
    {
        using var p = await LifecycleProject.CreateAsync();

        var act = () => p.Manager.StartAsync(
            new StartRequest("reply=x") { Model = "claude-opus-9" }, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<ZwarmException>()).Which.ExitCode.Should().Be(2);
        p.Manager.Store.EnumerateIds().Should().BeEmpty();
    }
}

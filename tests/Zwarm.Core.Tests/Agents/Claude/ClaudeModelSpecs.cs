using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Agents.Claude;
using Zwarm.Core.Config;

namespace Zwarm.Core.Tests.Agents.Claude;

/// <summary>The claude adapter in the registry: name, default model, models, aliases and prices.</summary>
public sealed class ClaudeModelSpecs
{
    private static readonly ModelRegistry Models = new(new ClaudeAdapter().Models);

    [Fact]
    public void The_default_registry_has_the_claude_adapter()
    {
        var adapter = AgentRegistry.Default.Get("claude");

        adapter.Should().BeOfType<ClaudeAdapter>();
        adapter.Name.Should().Be("claude");
        adapter.DefaultModel.Should().Be("sonnet");
        adapter.CreateParser(collectTrajectory: true).Should().BeOfType<ClaudeParser>();
        adapter.Models.Select(x => x.Name).Should().Equal("sonnet", "opus", "haiku");
        adapter.Models.Should().OnlyContain(x => x.Adapter == "claude");
    }

    [Theory]
    [InlineData("sonnet", "sonnet")]
    [InlineData("claude-sonnet-4-5", "sonnet")]
    [InlineData("Sonnet-4.5", "sonnet")]
    [InlineData("claude-sonnet-4-5-20250929", "sonnet")]
    [InlineData("OPUS", "opus")]
    [InlineData("claude-opus-4-1", "opus")]
    [InlineData("op", "opus")]
    [InlineData("haiku-4.5", "haiku")]
    [InlineData("claude-haiku-4-5", "haiku")]
    public void Models_are_found_by_name_alias_or_prefix_case_insensitively(string query, string canonical)
    {
        Models.Find(query)!.Name.Should().Be(canonical);
    }

    [Theory]
    [InlineData("sonnet", 3, 15, 0.30)]
    [InlineData("opus", 15, 75, 1.50)]
    [InlineData("haiku", 1, 5, 0.10)]
    public void Prices_are_usd_per_million_tokens(string model, double input, double output, double cached)
    {
        Models.PriceOf(model).Should().Be(new ModelPrice(input, output, cached));
    }

    [Fact]
    public void A_claude_model_name_chooses_the_claude_adapter()
    {
        var config = ZwarmConfig.Defaults(Path.GetTempPath());

        var (adapter, model) = AgentRegistry.Default.Choose(null, "claude-opus-4-1", config);

        adapter.Name.Should().Be("claude");
        model.Should().Be("opus");
    }
}

using AwesomeAssertions;
using Xunit;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;

namespace Zwarm.Core.Tests.Agents.Codex;

/// <summary>The codex adapter in the registry: name, default model, aliases and prices.</summary>
public sealed class CodexModelSpecs
{
    [Fact]
    public void Codex_is_registered_with_its_default_model()
    {
        var codex = AgentRegistry.Default.Get("codex");

        codex.Name.Should().Be("codex");
        codex.DefaultModel.Should().Be("gpt-5.1-codex-mini");
        codex.Models.Select(m => m.Name).Should().Equal("gpt-5.1-codex-mini", "gpt-5.1-codex", "gpt-5.1-codex-max", "gpt-5.5");
        codex.Models.Should().OnlyContain(m => m.Adapter == "codex");
    }

    [Theory]
    [InlineData("mini", "gpt-5.1-codex-mini")]
    [InlineData("MINI", "gpt-5.1-codex-mini")]
    [InlineData("codex", "gpt-5.1-codex")]
    [InlineData("max", "gpt-5.1-codex-max")]
    [InlineData("gpt-5.1-codex-max", "gpt-5.1-codex-max")]
    [InlineData("gpt-5.5", "gpt-5.5")]
    public void Aliases_find_the_canonical_model(string query, string name)
        => AgentRegistry.Default.Models.Find(query)!.Name.Should().Be(name);

    [Fact]
    public void Prices_are_per_million_tokens_with_cached_input_cheaper()
    {
        AgentRegistry.Default.Models.PriceOf("mini").Should().Be(new ModelPrice(0.25, 2.00, 0.025));
        AgentRegistry.Default.Models.PriceOf("gpt-5.1-codex").Should().Be(new ModelPrice(1.25, 10.00, 0.125));
        AgentRegistry.Default.Get("codex").Models.Should()
            .OnlyContain(m => m.Price.CachedInput < m.Price.Input && m.Price.Input < m.Price.Output);
    }

    [Fact]
    public void An_explicit_codex_alias_chooses_the_codex_adapter()
    {
        var (adapter, model) = AgentRegistry.Default.Choose(null, "max", ZwarmConfig.Defaults(Path.GetTempPath()));

        adapter.Name.Should().Be("codex");
        model.Should().Be("gpt-5.1-codex-max");
    }
}

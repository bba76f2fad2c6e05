using System.Reflection;
using System.Text.Json;
using AwesomeAssertions;
using Zwarm.Orchestration;
using Zwarm.Orchestration.Tools;

namespace Zwarm.Orchestration.Tests;

/// <summary>
/// A tool is written once, as a method marked [Tool]: its name, description, arguments, schema and call signature all
/// come from there (AIFunctionFactory), and its arguments are bound forgivingly.
/// </summary>
public sealed class ToolCatalogSpecs
{
    private static readonly MethodInfo[] ToolMethods =
    [
        .. new[] { typeof(SessionTools), typeof(ControlTools) }
            .SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<ToolAttribute>() is not null),
    ];

    [Fact]
    public void Every_tool_method_is_offered_with_its_parameters_as_the_schema()
    {
        var all = Enum.GetValues<OrchestratorMode>().SelectMany(ToolCatalog.Definitions)
            .DistinctBy(d => d.Name).ToDictionary(d => d.Name);

        all.Keys.Should().BeEquivalentTo(ToolMethods.Select(m => m.GetCustomAttribute<ToolAttribute>()!.Name));
        foreach (var method in ToolMethods)
        {
            var name = method.GetCustomAttribute<ToolAttribute>()!.Name;
            var arguments = method.GetParameters()
                .Where(p => p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(ToolProgressSink)).ToList();
            var schema = all[name].Schema;
            schema.GetProperty("properties").EnumerateObject().Select(p => p.Name)
                .Should().Equal(arguments.Select(p => p.Name), name);
            var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            required.Should().Equal(arguments.Where(p => !p.IsOptional).Select(p => p.Name), name);
            all[name].Description.Should().NotBeNullOrWhiteSpace();
            var signature = string.Join(", ", arguments.Select(p => p.Name + (p.IsOptional ? "?" : "")));
            ToolCatalog.Signature(name).Should().Be($"{name}({signature})");
        }
    }

    [Fact]
    public void Optional_arguments_have_one_type_and_the_extra_keywords_of_their_method()
    {
        var mcp = ToolCatalog.Definitions(OrchestratorMode.Mcp).ToDictionary(d => d.Name, d => d.Schema);
        var delegateProps = mcp["delegate"].GetProperty("properties");
        delegateProps.GetProperty("adapter").GetProperty("type").GetString().Should().Be("string");
        delegateProps.GetProperty("adapter").GetProperty("enum").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("codex", "claude");
        delegateProps.GetProperty("adapter").TryGetProperty("default", out _)
            .Should().BeFalse("an optional argument is left out, not null");
        delegateProps.GetProperty("isolation").GetProperty("enum").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("none", "worktree");
        var wait = mcp["wait_for_sessions"].GetProperty("properties");
        wait.GetProperty("session_ids").GetProperty("minItems").GetInt32().Should().Be(1);
        wait.GetProperty("timeout_seconds").GetProperty("maximum").GetInt32().Should().Be(300);
        wait.GetProperty("timeout_seconds").GetProperty("type").GetString().Should().Be("number");
    }

    [Fact]
    public void Arguments_are_bound_forgivingly_and_a_missing_required_one_names_the_call()
    {
        var wait = typeof(SessionTools).GetMethod(nameof(SessionTools.WaitAsync))!.GetParameters();
        var sleep = typeof(ControlTools).GetMethod(nameof(ControlTools.SleepAsync))!.GetParameters();
        var args = new Dictionary<string, object?>
        {
            ["session_ids"] = JsonDocument.Parse("\"ab12, cd34 ef56\"").RootElement,
            ["any"] = JsonDocument.Parse("\"true\"").RootElement,
            ["timeout_seconds"] = JsonDocument.Parse("\"5\"").RootElement,
        };
        var bind = new ToolArgs("wait_for_sessions", args);

        bind.Bind(wait[0]).Should().BeEquivalentTo(new[] { "ab12", "cd34", "ef56" });
        bind.Bind(wait[1]).Should().Be(true);
        bind.Bind(wait[2]).Should().Be(5.0);
        new ToolArgs("wait_for_sessions", new Dictionary<string, object?>()).Bind(wait[1])
            .Should().Be(false, "a default stays the default");
        var missing = () => new ToolArgs("sleep", new Dictionary<string, object?>()).Bind(sleep[0]);
        missing.Should().Throw<ToolFailure>().Which.Hint.Should().Be("call sleep(seconds)");
    }
}

using System.Text.Json.Nodes;

namespace Zwarm.Orchestration.Tools;

/// <summary>Where a tool is offered.</summary>
[Flags]
internal enum ToolModes
{
    /// <summary>zwarm orchestrate.</summary>
    Orchestrate = 1,

    /// <summary>zwarm pilot.</summary>
    Pilot = 2,

    /// <summary>zwarm mcp.</summary>
    Mcp = 4,

    /// <summary>Everywhere.</summary>
    All = Orchestrate | Pilot | Mcp,
}

/// <summary>
/// Makes a method a tool the model may call (SPEC §7). The method is the tool's one place: its [Description] says what
/// it does, its parameters (name, type, default, [Description], <see cref="SchemaAttribute"/>) are the arguments.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolAttribute(string name) : Attribute
{
    /// <summary>The name the model calls it by.</summary>
    public string Name { get; } = name;

    /// <summary>Its place in the list the model reads (the most used first).</summary>
    public int Order { get; init; }

    /// <summary>Where it is offered (default everywhere).</summary>
    public ToolModes Modes { get; init; } = ToolModes.All;
}

/// <summary>
/// JSON-schema keywords added to a parameter's generated schema (enum, minimum, minItems, …); <c>@ADAPTERS@</c> stands
/// for the registered adapters' names, so a third agent needs no change here.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class SchemaAttribute(string json) : Attribute
{
    /// <summary>The keywords, as one JSON object.</summary>
    public JsonObject Keywords => JsonNode.Parse(json.Replace("@ADAPTERS@", Adapters, StringComparison.Ordinal))!.AsObject();

    private static readonly string Adapters =
        "[" + string.Join(",", Zwarm.Core.Agents.AgentRegistry.Default.Names.Select(n => "\"" + n + "\"")) + "]";
}

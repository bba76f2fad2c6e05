using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace Zwarm.Orchestration.Tools;

/// <summary>
/// The tools offered to the model (SPEC §7), made by <see cref="AIFunctionFactory"/> from the methods marked
/// <see cref="ToolAttribute"/> on <see cref="SessionTools"/> and <see cref="ControlTools"/>: a tool's name, description,
/// arguments and schema are written once, on its method. Arguments are bound forgivingly (<see cref="ToolArgs"/>), so a
/// model that sends "5" for a number or "a,b" for a list still gets its call run.
/// </summary>
internal static class ToolCatalog
{
    private sealed record Entry(AIFunction Function, ToolModes Modes, string Signature, JsonElement Schema, int Order);

    // Before Entries: static fields are set in the order written, and the entries are made with these options.
    private static readonly JsonSerializerOptions Json = new() { TypeInfoResolver = ToolJsonContext.Default };

    private static readonly Entry[] Entries = [.. Build(typeof(SessionTools)).Concat(Build(typeof(ControlTools))).OrderBy(e => e.Order)];

    /// <summary>The tool names offered in a mode.</summary>
    public static IReadOnlyList<string> Names(OrchestratorMode mode) => [.. In(mode).Select(e => e.Function.Name)];

    /// <summary>Declarations (name, description, JSON schema) for the chat options.</summary>
    public static IList<AITool> Declarations(OrchestratorMode mode) =>
        [.. In(mode).Select(e => (AITool)AIFunctionFactory.CreateDeclaration(e.Function.Name, e.Function.Description, e.Schema))];

    /// <summary>Name, description and JSON schema of every tool offered in a mode (for the MCP server's tools/list).</summary>
    public static IReadOnlyList<(string Name, string Description, JsonElement Schema)> Definitions(OrchestratorMode mode) =>
        [.. In(mode).Select(e => (e.Function.Name, e.Function.Description, e.Schema))];

    /// <summary>The tool called <paramref name="name"/> when it is offered in <paramref name="mode"/>.</summary>
    public static AIFunction? Find(string name, OrchestratorMode mode) => In(mode).FirstOrDefault(e => e.Function.Name == name)?.Function;

    /// <summary>How to call a tool, for hints: "converse(session_id, message)".</summary>
    public static string Signature(string name) => Entries.FirstOrDefault(e => e.Function.Name == name)?.Signature ?? name;

    /// <summary>True when the tool exists in this mode.</summary>
    public static bool Exists(string name, OrchestratorMode mode) => Find(name, mode) is not null;

    /// <summary>The key in <see cref="AIFunctionArguments.Context"/> under which a call finds the object its method runs on.</summary>
    public static object TargetKey(Type declaringType) => declaringType;

    private static IEnumerable<Entry> In(OrchestratorMode mode)
    {
        var flag = mode switch
        {
            OrchestratorMode.Orchestrate => ToolModes.Orchestrate,
            OrchestratorMode.Pilot => ToolModes.Pilot,
            _ => ToolModes.Mcp,
        };
        return Entries.Where(e => e.Modes.HasFlag(flag));
    }

    private static IEnumerable<Entry> Build([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type type)
    {
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<ToolAttribute>() is not { } tool) continue;
            var arguments = method.GetParameters().Where(IsArgument).ToList();
            var signature = $"{tool.Name}({string.Join(", ", arguments.Select(p => p.Name + (p.IsOptional ? "?" : "")))})";
            var options = new AIFunctionFactoryOptions
            {
                Name = tool.Name,
                Description = method.GetCustomAttribute<DescriptionAttribute>()?.Description,
                SerializerOptions = Json,
                ConfigureParameterBinding = p => IsArgument(p)
                    ? new AIFunctionFactoryOptions.ParameterBindingOptions
                    {
                        BindParameter = (q, args) => new ToolArgs(tool.Name, args).Bind(q),
                    }
                    : p.ParameterType == typeof(ToolProgressSink)
                        ? new AIFunctionFactoryOptions.ParameterBindingOptions
                        {
                            ExcludeFromSchema = true,
                            BindParameter = (_, args) => Context<ToolProgressSink>(args),
                        }
                        : default,
                // The method's ToolOutcome as it is: the runner reads it, nothing serialises it on the way.
                MarshalResult = (result, _, _) => new ValueTask<object?>(result),
                ExcludeResultSchema = true,
            };
            var declaring = method.DeclaringType!;
            var function = AIFunctionFactory.Create(method, args => args.Context?[TargetKey(declaring)]
                ?? throw new InvalidOperationException($"no {declaring.Name} for tool {tool.Name}"), options);
            yield return new Entry(function, tool.Modes, signature, Shape(function.JsonSchema, arguments), tool.Order);
        }
    }

    private static bool IsArgument(ParameterInfo p) =>
        p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(ToolProgressSink);

    private static T? Context<T>(AIFunctionArguments args) where T : class =>
        args.Context is { } c && c.TryGetValue(typeof(T), out var v) ? v as T : null;

    /// <summary>
    /// Each argument's schema as the model should read it: one type (an optional argument is left out, not sent as null),
    /// no default of null, and the extra keywords of its <see cref="SchemaAttribute"/>.
    /// </summary>
    private static JsonElement Shape(JsonElement generated, IReadOnlyList<ParameterInfo> arguments)
    {
        var schema = JsonNode.Parse(generated.GetRawText())!.AsObject();
        foreach (var p in arguments)
        {
            if (schema["properties"]?[p.Name!] is not JsonObject o) continue;
            if (o["type"] is JsonArray types && types.Select(t => t?.GetValue<string>()).Where(t => t != "null").ToList() is [var single])
                o["type"] = single;
            if (o.TryGetPropertyValue("default", out var d) && d is null) o.Remove("default");
            if (p.GetCustomAttribute<SchemaAttribute>() is { } extra)
                foreach (var (k, v) in extra.Keywords) o[k] = v?.DeepClone();
        }
        return JsonSerializer.SerializeToElement(schema, ToolJsonContext.Default.JsonObject);
    }
}

/// <summary>The argument types tools take (source-generated, so schemas are made without reflection in the native build).</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(double?))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;

/// <summary>Where a long tool call (wait_for_sessions) reports how far it has come; given by the caller, not by the model.</summary>
internal sealed class ToolProgressSink(Func<ToolProgress, CancellationToken, ValueTask> report)
{
    /// <summary>Reports <paramref name="progress"/>.</summary>
    public ValueTask Report(ToolProgress progress, CancellationToken ct) => report(progress, ct);
}

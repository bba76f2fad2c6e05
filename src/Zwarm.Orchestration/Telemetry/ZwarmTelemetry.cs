using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Zwarm.Core.Config;

namespace Zwarm.Orchestration.Telemetry;

/// <summary>
/// OpenTelemetry traces of the orchestrator (GenAI conventions): LLM calls (Microsoft.Extensions.AI), tool calls and
/// session starts. Exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT or [telemetry] is set; otherwise no
/// exporter exists and nothing is sent.
/// </summary>
internal static class ZwarmTelemetry
{
    /// <summary>The ActivitySource (and Microsoft.Extensions.AI source) name.</summary>
    public const string SourceName = "Zwarm.Orchestration";

    /// <summary>Our spans.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>True when traces should be exported.</summary>
    public static bool IsEnabled(TelemetryConfig config, Func<string, string?> env) =>
        config.Enabled || !string.IsNullOrWhiteSpace(config.Endpoint) || !string.IsNullOrWhiteSpace(env("OTEL_EXPORTER_OTLP_ENDPOINT"));

    /// <summary>Starts the exporter when enabled; null (nothing listens, nothing is sent) otherwise. Dispose to flush.</summary>
    public static TracerProvider? Start(
        TelemetryConfig config, Func<string, string?>? env = null, Action<TracerProviderBuilder>? extra = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (!IsEnabled(config, env) && extra is null) return null;
        var builder = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(config.ServiceName))
            .AddSource(SourceName);
        if (IsEnabled(config, env))
        {
            builder.AddOtlpExporter(o =>
            {
                if (string.IsNullOrWhiteSpace(config.Endpoint)) return;
                var http = (env("OTEL_EXPORTER_OTLP_PROTOCOL") ?? env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
                    ?.StartsWith("http", StringComparison.Ordinal) == true;
                var endpoint = config.Endpoint.TrimEnd('/');
                // Given in code, the HTTP exporter posts to the endpoint as is: add the signal path like the env variable does.
                if (http && !endpoint.EndsWith("/v1/traces", StringComparison.Ordinal)) endpoint += "/v1/traces";
                o.Endpoint = new Uri(endpoint);
                o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            });
        }
        extra?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>A tool-call span (gen_ai.operation.name = execute_tool).</summary>
    public static Activity? StartTool(string name, string callId, string instanceId)
    {
        var a = Source.StartActivity($"execute_tool {name}", ActivityKind.Internal);
        a?.SetTag("gen_ai.operation.name", "execute_tool");
        a?.SetTag("gen_ai.tool.name", name);
        a?.SetTag("gen_ai.tool.call.id", callId);
        a?.SetTag("gen_ai.tool.type", "function");
        a?.SetTag("zwarm.instance.id", instanceId);
        return a;
    }

    /// <summary>A span for starting a session (delegate).</summary>
    public static Activity? StartSession(string instanceId, string? adapter, string? model)
    {
        var a = Source.StartActivity("zwarm.session.start", ActivityKind.Internal);
        a?.SetTag("zwarm.instance.id", instanceId);
        a?.SetTag("zwarm.session.adapter", adapter);
        a?.SetTag("zwarm.session.model", model);
        return a;
    }

    /// <summary>The span of a whole run (gen_ai.operation.name = invoke_agent).</summary>
    public static Activity? StartRun(string kind, string instanceId, string model)
    {
        var a = Source.StartActivity($"invoke_agent zwarm-{kind}", ActivityKind.Internal);
        a?.SetTag("gen_ai.operation.name", "invoke_agent");
        a?.SetTag("gen_ai.agent.name", $"zwarm-{kind}");
        a?.SetTag("gen_ai.agent.id", instanceId);
        a?.SetTag("gen_ai.request.model", model);
        return a;
    }
}

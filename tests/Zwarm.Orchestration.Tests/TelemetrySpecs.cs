using System.Diagnostics;
using AwesomeAssertions;
using OpenTelemetry.Trace;
using Zwarm.Core.Config;
using Zwarm.Orchestration.Telemetry;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

public sealed class TelemetrySpecs
{
    [Fact]
    public void Without_an_endpoint_there_is_no_exporter()
    {
        ZwarmTelemetry.Start(new TelemetryConfig(false, null, "zwarm"), _ => null).Should().BeNull();
        ZwarmTelemetry.IsEnabled(
                new TelemetryConfig(false, null, "zwarm"), k => k == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://127.0.0.1:4318" : null)
            .Should().BeTrue();
        ZwarmTelemetry.IsEnabled(new TelemetryConfig(false, "http://127.0.0.1:4317", "zwarm"), _ => null).Should().BeTrue();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_run_traces_llm_calls_tool_calls_and_session_starts_and_exports_them_over_otlp()
    {
        await using var w = await World.CreateAsync();
        await using var collector = await Zwarm.ScriptedModel.ScriptedModelServer.StartAsync(TestEnv.Ct);
        var spans = new List<Activity>();
        var env = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" };
        w.Chat(One("delegate", """{"task":"reply=traced"}"""), One("exit", """{"summary":"traced"}"""));

        using (ZwarmTelemetry.Start(
                   new TelemetryConfig(true, collector.BaseUrl.ToString(), "zwarm-test"), k => env.GetValueOrDefault(k),
                   b => b.AddInMemoryExporter(spans)))
        {
            await w.OrchestrateAsync("Trace me");
        }

        var run = spans.Single(s => s.DisplayName == "invoke_agent zwarm-orchestrate"
            && s.GetTagItem("gen_ai.agent.id") is string id && w.OutputText.Contains(id, StringComparison.Ordinal));
        var mine = spans.Where(s => s.TraceId == run.TraceId).ToList();
        mine.Where(s => s.GetTagItem("gen_ai.operation.name") as string == "chat").Should().HaveCount(2)
            .And.OnlyContain(s => (string?)s.GetTagItem("gen_ai.request.model") == "scripted-orchestrator"
                && s.GetTagItem("gen_ai.usage.input_tokens") != null);
        mine.Where(s => s.DisplayName.StartsWith("execute_tool ", StringComparison.Ordinal)).Select(s => s.GetTagItem("gen_ai.tool.name"))
            .Should().Equal("delegate", "exit");
        mine.Should().ContainSingle(s => s.DisplayName == "zwarm.session.start").Which.GetTagItem("zwarm.session.id").Should().NotBeNull();
        collector.Requests.Should().Contain(r => r.Method == "POST" && r.Path == "/v1/traces");
    }
}

using System.Diagnostics;
using AwesomeAssertions;

namespace Zwarm.ScriptedModel.Tests;

public sealed class ServerCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zwarm-scripted-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteScript(string json)
    {
        var path = Path.Combine(_dir, "script.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static async Task<int> ReadPortAsync(string portFile, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (!File.Exists(portFile))
        {
            await Task.Delay(20, timeout.Token);
        }

        return int.Parse(await File.ReadAllTextAsync(portFile, timeout.Token));
    }

    [Fact(Timeout = 20_000)]
    public async Task I_can_run_the_server_from_a_script_and_stop_it_by_cancelling()
    {
        var ct = TestContext.Current.CancellationToken;
        var script = WriteScript("""{"chat": [{"text": "from the script"}]}""");
        var portFile = Path.Combine(_dir, "port");
        using var stop = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var run = ServerCommand.RunAsync(["--script", script, "--port", "0", "--port-file", portFile], stdout, stderr, stop.Token);
        var port = await ReadPortAsync(portFile, ct);
        using var http = new HttpClient();
        var answer = await http.PostAsync(
            new Uri($"http://127.0.0.1:{port}/v1/chat/completions"), new StringContent(Bodies.Chat("hi")), ct);
        await stop.CancelAsync();

        (await run).Should().Be(0);
        (await answer.Content.ReadAsStringAsync(ct)).Should().Contain("from the script");
        stdout.ToString().Should().Be($"listening on http://127.0.0.1:{port}\n");
        stderr.ToString().Should().Be("stopped after 1 requests, 0 problems\n");
    }

    [Theory]
    [InlineData("--port", "x")]
    [InlineData("--port", "70000")]
    [InlineData("--host", "0.0.0.0")]
    [InlineData("--script")]
    public async Task Bad_arguments_exit_2_with_the_usage(params string[] args)
    {
        var stderr = new StringWriter();

        var exit = await ServerCommand.RunAsync(args, TextWriter.Null, stderr, TestContext.Current.CancellationToken);

        exit.Should().Be(2);
        stderr.ToString().Should().Contain(ServerCommand.Usage);
    }

    [Fact]
    public async Task A_broken_script_exits_2_and_says_where()
    {
        var script = WriteScript("""{"chat": [{"txt": "typo"}]}""");
        var stderr = new StringWriter();

        var exit = await ServerCommand.RunAsync(["--script", script], TextWriter.Null, stderr, TestContext.Current.CancellationToken);

        exit.Should().Be(2);
        stderr.ToString().Should().Contain("chat[0]: unknown key \"txt\"");
    }

    [Fact]
    public async Task A_busy_port_exits_2_and_says_so()
    {
        await using var busy = await ScriptedModelServer.StartAsync(TestContext.Current.CancellationToken);
        var stderr = new StringWriter();

        var exit = await ServerCommand.RunAsync(
            ["--port", busy.Port.ToString()], TextWriter.Null, stderr, TestContext.Current.CancellationToken);

        exit.Should().Be(2);
        stderr.ToString().Should().StartWith($"cannot listen on 127.0.0.1:{busy.Port}");
    }

    [Fact(Timeout = 30_000)]
    public async Task The_built_program_serves_until_sigterm()
    {
        var ct = TestContext.Current.CancellationToken;
        var script = WriteScript("""{"messages": [{"text": "hi"}]}""");
        var dll = Path.Combine(AppContext.BaseDirectory, "Zwarm.ScriptedModel.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--script", script, "--port-file", Path.Combine(_dir, "port") })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(ct);
            line.Should().MatchRegex(@"^listening on http://127\.0\.0\.1:\d+$");
            var port = await ReadPortAsync(Path.Combine(_dir, "port"), ct);
            line.Should().EndWith($":{port}");

            using var http = new HttpClient();
            var answer = await http.PostAsync(
                new Uri($"http://127.0.0.1:{port}/v1/messages?beta=true"), new StringContent(Bodies.Claude("hi")), ct);
            answer.Headers.GetValues("request-id").Should().Equal("req_1");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await kill.WaitForExitAsync(ct);
            }

            await process.WaitForExitAsync(ct);
            process.ExitCode.Should().Be(0);
            (await process.StandardError.ReadToEndAsync(ct)).Should().Contain("stopped after 1 requests, 0 problems");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}

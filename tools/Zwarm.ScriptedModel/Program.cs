using System.Runtime.InteropServices;
using Zwarm.ScriptedModel;

// Runs until SIGTERM / Ctrl+C; see ServerCommand for the options.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
return await ServerCommand.RunAsync(args, Console.Out, Console.Error, stop.Token);

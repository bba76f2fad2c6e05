using Zwarm.Cli;

return await CliApp.RunAsync(args, CliHost.CreateDefault());

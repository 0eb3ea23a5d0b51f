using NetTwin.Cli;

return NetTwinCli.Run(args, Console.Out, Console.Error);

using OpsConductor.ToolCatalog.Cli;

return await CliApp.RunAsync(args, CliContext.FromConsole()).ConfigureAwait(false);

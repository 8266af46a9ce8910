using System.Runtime.InteropServices;
using OpsConductor.ToolCatalog.Cli;

// Ctrl+C (SIGINT) and SIGTERM cancel the running command, which rolls back what it was writing and says so (exit code
// 130); a second signal ends the process at once.
using var interrupted = new CancellationTokenSource();
void Interrupt(PosixSignalContext signal)
{
    if (!interrupted.IsCancellationRequested)
    {
        signal.Cancel = true;
        interrupted.Cancel();
    }
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
return await CliApp.RunAsync(args, CliContext.FromConsole(), interrupted.Token).ConfigureAwait(false);

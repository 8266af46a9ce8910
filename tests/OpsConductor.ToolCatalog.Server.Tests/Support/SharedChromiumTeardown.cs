using OpsConductor.ToolCatalog.Server.Tests.Support;

/// <summary>Closes the test assembly's shared Chromium (<see cref="Chromium.SharedAsync"/>) after the last test.</summary>
[SetUpFixture]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "A SetUpFixture outside every namespace applies to the whole assembly.")]
public sealed class SharedChromiumTeardown
{
    /// <summary>Closes the browser and its Playwright driver.</summary>
    [OneTimeTearDown]
    public async Task CloseSharedChromium() => await Chromium.CloseSharedAsync();
}

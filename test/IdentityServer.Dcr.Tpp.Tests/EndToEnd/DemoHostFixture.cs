// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>A fixture whose tests share one demo host in-process (<see cref="InProcessDemoHost"/>), started before them and stopped after.</summary>
public abstract class DemoHostFixture
{
    /// <summary>The demo host.</summary>
    protected InProcessDemoHost Host { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartHostAsync() => Host = await InProcessDemoHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopHostAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}

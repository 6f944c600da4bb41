// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The shared operator-area suite (<see cref="OperatorAreaSuite"/>) on the Duende demo bank in-process (PostgreSQL),
/// with TPPs of the lifecycle environment (<see cref="DuendeJourneyTpp"/>): the same pages, the same rules, with
/// Duende's own cookie scheme beside the operator's.
/// </summary>
[TestFixture]
public sealed class DuendeOperatorAreaTests : OperatorAreaSuite
{
    private LifecycleEnvironment? _environment;

    private InProcessDuendeDemoHost? _bank;

    protected override async Task<(IJourneyBank Bank, IJourneyTpp Tpp)> StartAsync()
    {
        _environment = await LifecycleEnvironment.StartAsync();
        _bank = await InProcessDuendeDemoHost.StartAsync(_environment);
        try
        {
            return (_bank, await RegisterTppAsync());
        }
        catch
        {
            await _bank.DisposeAsync();
            throw;
        }
    }

    protected override Task<IJourneyTpp> RegisterTppAsync()
        => DuendeJourneyTpp.RegisterAsync(_environment!, _bank ?? throw new InvalidOperationException("The bank is not started."));

    [OneTimeTearDown]
    public async Task StopEnvironmentAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The shared OBIE authorization journey (<see cref="AuthorizationJourneySuite"/>) on the Duende demo bank in-process
/// (<see cref="InProcessDuendeDemoHost"/>, PostgreSQL), with a TPP of the lifecycle environment registered over mutual
/// TLS (<see cref="DuendeJourneyTpp"/>): the same tests, the same rules, as on the OpenIddict demo bank.
/// </summary>
[TestFixture]
public sealed class DuendeAuthorizationJourneyTests : AuthorizationJourneySuite
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

    protected override Task<IJourneyTpp> RegisterTppAsync(IReadOnlyList<string>? responseTypes = null)
        => DuendeJourneyTpp.RegisterAsync(_environment!, _bank ?? throw new InvalidOperationException("The bank is not started."), responseTypes);

    [OneTimeTearDown]
    public async Task StopEnvironmentAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }
}

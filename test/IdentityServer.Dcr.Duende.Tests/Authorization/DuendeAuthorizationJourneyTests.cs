// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Journey;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// The shared OBIE authorization journey (<see cref="AuthorizationJourneySuite"/>) on the Duende demo bank in-process
/// (<see cref="InProcessDuendeDemoHost"/>, PostgreSQL), with a TPP of the lifecycle environment registered over mutual
/// TLS (<see cref="DuendeJourneyTpp"/>): the same tests, the same rules, as on the OpenIddict demo bank.
/// </summary>
[TestFixture]
public sealed class DuendeAuthorizationJourneyTests : AuthorizationJourneySuite
{
    private DuendeDemoParties? _parties;

    private DuendeDemoParties Parties => _parties ?? throw new InvalidOperationException("The bank is not started.");

    protected override async Task<(IJourneyBank Bank, IJourneyTpp Tpp)> StartAsync()
    {
        _parties = await DuendeDemoParties.StartAsync();
        return (_parties.Bank, _parties.Tpp);
    }

    protected override Task<IJourneyTpp> RegisterTppAsync(IReadOnlyList<string>? responseTypes = null)
        => Parties.RegisterTppAsync(responseTypes);

    [OneTimeTearDown]
    public async Task StopEnvironmentAsync()
    {
        if (_parties is not null)
        {
            await _parties.DisposeAsync();
        }
    }
}

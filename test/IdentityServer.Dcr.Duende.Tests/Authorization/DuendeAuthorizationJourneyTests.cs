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
    protected override async Task<IDemoBankParties> StartAsync() => await DuendeDemoParties.StartAsync();
}

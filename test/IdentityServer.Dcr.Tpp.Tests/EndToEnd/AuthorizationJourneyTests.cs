// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Testing.PostgreSql;

namespace IdentityServer.Dcr.Tpp.Tests.EndToEnd;

/// <summary>
/// The shared OBIE authorization journey (<see cref="AuthorizationJourneySuite"/>) on the OpenIddict demo bank
/// in-process, with the TPP side played by obie-tpp: <c>init</c>, <c>sandbox enrol</c>, <c>register</c>, <c>token</c>
/// (<see cref="DemoJourneyBank"/>).
/// </summary>
[TestFixture]
public sealed class AuthorizationJourneyTests : AuthorizationJourneySuite
{
    protected override async Task<IDemoBankParties> StartAsync()
    {
        // On PostgreSQL, as a bank runs it (the demo's default is SQLite).
        var bank = await DemoJourneyBank.StartAsync(new Dictionary<string, string?>
        {
            ["Store:Provider"] = "PostgreSql",
            ["ConnectionStrings:Dcr"] = await PostgreSqlTestServer.CreateDatabaseAsync(),
        });
        return await bank.WithFirstTppAsync();
    }
}

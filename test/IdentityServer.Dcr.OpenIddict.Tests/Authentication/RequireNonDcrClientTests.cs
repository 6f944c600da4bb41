// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Authentication;
using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Tests.Authentication;

/// <summary>OpenIddict's secret and certificate handlers run for the bank's own clients only.</summary>
[TestFixture]
public sealed class RequireNonDcrClientTests
{
    [TestCase(true, false)]
    [TestCase(false, true)]
    public async Task IsActiveAsync_DcrClient_FiltersOpenIddictsHandlerOut(bool dcrClient, bool active)
    {
        // Arrange
        var context = new ProcessAuthenticationContext(Transactions.Token(dcrClient ? Registrations.Create() : null));

        // Act
        var result = await new RequireNonDcrClient().IsActiveAsync(context);

        // Assert
        Assert.That(result, Is.EqualTo(active));
    }
}

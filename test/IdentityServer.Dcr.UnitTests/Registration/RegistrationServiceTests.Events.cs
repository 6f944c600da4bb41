// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.UnitTests.Registration;

public sealed partial class RegistrationServiceTests
{
    [Test]
    public async Task RegisterAsync_EventRejectsValidatedRequest_ReturnsItsErrorAndStoresNothing()
    {
        // Arrange
        using var fixture = new RegistrationServiceFixture(configureServices: services => services.AddSingleton(new DcrEvents
        {
            OnRequestValidated = context =>
            {
                context.Reject(DcrError.UnapprovedSoftwareStatement("Refused by the bank's onboarding check."));
                return Task.CompletedTask;
            },
        }));

        // Act
        var result = await fixture.RegisterAsync();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.ErrorDescription, Is.EqualTo("Refused by the bank's onboarding check."));
            Assert.That(fixture.Store.Registrations, Is.Empty);
        });
    }

    [Test]
    public async Task RegisterAsync_ClientRegisteredEvent_SeesTheStoredRegistration()
    {
        // Arrange
        string? seen = null;
        using var fixture = new RegistrationServiceFixture(configureServices: services => services.AddSingleton(new DcrEvents
        {
            OnClientRegistered = context =>
            {
                seen = context.Registration?.ClientId;
                return Task.CompletedTask;
            },
        }));

        // Act
        var result = await fixture.RegisterAsync();

        // Assert
        Assert.That(seen, Is.Not.Null.And.EqualTo(result.Value?["client_id"]?.GetValue<string>()));
    }

    [Test]
    public async Task RegisterAsync_RequestWithFarExp_KeepsItsJtiOnlyAsLongAsItCouldBeAccepted()
    {
        // Arrange
        DateTimeOffset? keptUntil = null;
        using var fixture = new RegistrationServiceFixture(configureServices: services => services.AddSingleton(new DcrEvents
        {
            OnRequestValidated = context =>
            {
                keptUntil = context.UsedRequestToken?.ExpiresAt;
                return Task.CompletedTask;
            },
        }));
        var now = DateTimeOffset.UtcNow;

        // Act
        var result = await fixture.RegisterAsync(modifyRequest: c => c["exp"] = now.AddYears(10).ToUnixTimeSeconds());

        // Assert
        Assert.That(result.Succeeded, Is.True, () => result.Error?.ErrorDescription ?? string.Empty);
        Assert.That(keptUntil, Is.LessThanOrEqualTo(now.AddMinutes(63)).And.GreaterThan(now));
    }
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.UnitTests.DependencyInjection;

/// <summary>The builder's replacements keep the lifetime their defaults need.</summary>
[TestFixture]
public sealed class DcrBuilderExtensionsTests
{
    [Test]
    public void AddTransportCertificateValidator_IsASingletonLikeTheDefault_SoItsVerdictsAreKept()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddDcr().AddTransportCertificateValidator<CustomValidator>();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        // Act
        var first = provider.GetRequiredService<ITransportCertificateValidator>();
        ITransportCertificateValidator second;
        using (var scope = provider.CreateScope())
        {
            second = scope.ServiceProvider.GetRequiredService<ITransportCertificateValidator>();
        }

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.InstanceOf<CustomValidator>());
            Assert.That(second, Is.SameAs(first));
            Assert.That(services.Count(d => d.ServiceType == typeof(ITransportCertificateValidator)), Is.EqualTo(1));
        });
    }

    private sealed class CustomValidator(IOptionsMonitor<DcrOptions> options, TimeProvider time, ILogger<TransportCertificateValidator> logger)
        : TransportCertificateValidator(options, time, logger);
}

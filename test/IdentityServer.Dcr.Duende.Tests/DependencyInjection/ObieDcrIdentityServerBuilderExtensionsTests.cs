// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Duende.ClientAuthentication;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Duende.Tests.DependencyInjection;

[TestFixture]
public sealed class ObieDcrIdentityServerBuilderExtensionsTests
{
    [Test]
    public void AddObieDynamicClientRegistration_AfterJwtBearerClientAuthentication_LeavesOneAssertionValidator()
    {
        // Arrange: a bank that already enabled private_key_jwt for its own clients.
        var services = new ServiceCollection();
        services.AddDcrPostgreSqlStore("Host=127.0.0.1;Database=unused");
        var builder = services.AddIdentityServer().AddJwtBearerClientAuthentication();

        // Act
        builder.AddObieDynamicClientRegistration(_ => { });

        // Assert: Duende's validator is reached only through JwksUriSecretValidator, so it never runs (and logs an
        // error) for DCR clients whose keys live at their software_jwks_endpoint.
        var validators = services.Where(d => d.ServiceType == typeof(ISecretValidator)).Select(d => d.ImplementationType).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(validators, Does.Not.Contain(typeof(PrivateKeyJwtSecretValidator)));
            Assert.That(validators, Does.Contain(typeof(JwksUriSecretValidator)));
            Assert.That(services.Any(d => d.ServiceType == typeof(ISecretParser) && d.ImplementationType == typeof(JwtBearerClientAssertionSecretParser)), Is.True);
        });
    }
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.UnitTests.TestDoubles;

namespace IdentityServer.Dcr.UnitTests.Jwks;

public sealed partial class JwksResolverTests
{
    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.ServiceUnavailable)]
    [TestCase(HttpStatusCode.TooManyRequests)]
    public void FindKeyAsync_HostAnswersServerError_IsInfrastructureFault(HttpStatusCode status)
    {
        // Arrange
        _handler.Respond = (_, _) => Task.FromResult(FakeHttpMessageHandler.Json("{}", status));
        var resolver = CreateResolver();

        // Act / Assert
        Assert.ThrowsAsync<JwksUnavailableException>(() => resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None));
    }

    [TestCase(HttpStatusCode.NotFound)]
    [TestCase(HttpStatusCode.Forbidden)]
    [TestCase(HttpStatusCode.BadRequest)]
    public async Task FindKeyAsync_HostAnswersClientError_IsInvalid(HttpStatusCode status)
    {
        // Arrange
        _handler.Respond = (_, _) => Task.FromResult(FakeHttpMessageHandler.Json("{}", status));
        var resolver = CreateResolver();

        // Act
        var result = await resolver.FindKeyAsync(SoftwareUri, "k1", JwksSourceKind.Software, CancellationToken.None);

        // Assert
        Assert.That(result.Status, Is.EqualTo(JwksLookupStatus.Invalid));
    }
}

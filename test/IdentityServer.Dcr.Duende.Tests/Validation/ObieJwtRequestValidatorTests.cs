// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Stores;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Duende.Validation;
using IdentityServer.Dcr.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IdentityServer.Dcr.Duende.Tests.Validation;

/// <summary>
/// Request objects of a registered TPP through Duende's <see cref="IJwtRequestValidator"/> as the bank's container
/// resolves it (the one Duende's authorize and PAR endpoints call), with the keys at the TPP's
/// <c>software_jwks_endpoint</c> served over HTTPS: the registered key, a rotated key, an unknown key.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ObieJwtRequestValidatorTests
{
    private DuendeTestBank _bank = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _bank = await DuendeTestBank.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_bank is not null)
        {
            await _bank.DisposeAsync();
        }
    }

    [Test]
    public void Container_JwtRequestValidator_IsTheObieOne()
    {
        using var scope = _bank.Host.Services.CreateScope();
        Assert.That(scope.ServiceProvider.GetRequiredService<IJwtRequestValidator>(), Is.InstanceOf<ObieJwtRequestValidator>());
    }

    [Test]
    public async Task ValidateAsync_Ps256SignedWithTheRegisteredKey_Succeeds()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);

        // Act
        var result = await ValidateAsync(clientId, RequestObject(tpp.SigningKey, clientId));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.IsError, Is.False);
            Assert.That(result.Payload?.Single(c => c.Type == "scope").Value, Is.EqualTo("openid accounts"));
            Assert.That(result.Payload?.Single(c => c.Type == "state").Value, Is.EqualTo("af0ifjsldkj"));
        });
    }

    [Test]
    public async Task ValidateAsync_KeyRotatedAtSoftwareJwksEndpoint_Succeeds()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        Assert.That((await ValidateAsync(clientId, RequestObject(tpp.SigningKey, clientId))).IsError, Is.False, "the old key is cached");
        using var rotated = TestSigningKey.CreatePs256();
        _bank.Environment.PublishJwks(tpp, rotated);

        // Act
        var result = await ValidateAsync(clientId, RequestObject(rotated, clientId));

        // Assert
        Assert.That(result.IsError, Is.False);
    }

    [Test]
    public async Task ValidateAsync_KeyNotPublished_Fails()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        using var unknown = TestSigningKey.CreatePs256();

        // Act
        var result = await ValidateAsync(clientId, RequestObject(unknown, clientId));

        // Assert
        Assert.That(result.IsError, Is.True);
    }

    [Test]
    public async Task ValidateAsync_KidOfThePublishedKeyButAnotherKeysSignature_Fails()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        using var forger = TestSigningKey.CreatePs256();

        // Act
        var result = await ValidateAsync(clientId, forger.Sign(Claims(clientId), keyIdOverride: tpp.SigningKey.KeyId));

        // Assert
        Assert.That(result.IsError, Is.True);
    }

    [Test]
    public async Task ValidateAsync_AlgorithmOtherThanRegistered_Fails()
    {
        // Arrange: registered request_object_signing_alg PS256; an ES256 key is published too.
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        using var ec = TestSigningKey.CreateEs256();
        _bank.Environment.PublishJwks(tpp, tpp.SigningKey, ec);

        // Act
        var result = await ValidateAsync(clientId, RequestObject(ec, clientId));

        // Assert
        Assert.That(result.IsError, Is.True);
    }

    [Test]
    public async Task ValidateAsync_AnotherAudience_FailsDuendesOwnChecks()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        var claims = Claims(clientId);
        claims["aud"] = "https://another-bank.example.com";

        // Act
        var result = await ValidateAsync(clientId, tpp.SigningKey.Sign(claims));

        // Assert
        Assert.That(result.IsError, Is.True);
    }

    [Test]
    public async Task ValidateAsync_RequestObjectWithoutKid_SucceedsWithTheOneKeyOfItsAlgorithm()
    {
        // Arrange
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);

        // Act
        var result = await ValidateAsync(clientId, tpp.SigningKey.Sign(Claims(clientId), omitKeyId: true));

        // Assert
        Assert.That(result.IsError, Is.False);
    }

    [Test]
    public async Task ValidateAsync_SignatureInStandardBase64_Fails()
    {
        // Arrange: the registered key's valid request object, its signature re-encoded in standard base64 with padding.
        var tpp = _bank.Environment.NewTpp();
        var clientId = await _bank.RegisterAsync(tpp);
        string requestObject;
        do
        {
            var parts = RequestObject(tpp.SigningKey, clientId).Split('.');
            requestObject = $"{parts[0]}.{parts[1]}.{Convert.ToBase64String(System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]))}";
        }
        while (!requestObject.Contains('+', StringComparison.Ordinal) && !requestObject.Contains('/', StringComparison.Ordinal) && !requestObject.EndsWith('='));

        // Act
        var result = await ValidateAsync(clientId, requestObject);

        // Assert
        Assert.That(result.IsError, Is.True);
    }

    private string RequestObject(TestSigningKey key, string clientId) => key.Sign(Claims(clientId));

    private JsonObject Claims(string clientId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = clientId,
            ["aud"] = _bank.Host.BaseAddress.AbsoluteUri.TrimEnd('/'),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
            ["jti"] = Guid.NewGuid().ToString(),
            ["client_id"] = clientId,
            ["response_type"] = "code id_token",
            ["redirect_uri"] = "https://tpp.example.com/callback",
            ["scope"] = "openid accounts",
            ["state"] = "af0ifjsldkj",
            ["nonce"] = "n-0S6_WzA2Mj",
        };
    }

    /// <summary>Validates as Duende's authorize endpoint does: in a request to the bank (its issuer is the audience).</summary>
    private async Task<JwtRequestValidationResult> ValidateAsync(string clientId, string requestObject)
    {
        await using var scope = _bank.Host.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Scheme = _bank.Host.BaseAddress.Scheme;
        context.Request.Host = HostString.FromUriComponent(_bank.Host.BaseAddress.Authority);
        services.GetRequiredService<IHttpContextAccessor>().HttpContext = context;
        try
        {
            Client client = (await services.GetRequiredService<IClientStore>().FindClientByIdAsync(clientId))!;
            return await services.GetRequiredService<IJwtRequestValidator>().ValidateAsync(new JwtRequestValidationContext { Client = client, JwtTokenString = requestObject });
        }
        finally
        {
            services.GetRequiredService<IHttpContextAccessor>().HttpContext = null;
        }
    }
}

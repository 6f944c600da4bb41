// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using System.Security.Cryptography;
using Duende.IdentityServer.Models;
using Duende.IdentityServer.Stores;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.AspNetCore.Certificates;
using IdentityServer.Dcr.Duende.Management;
using IdentityServer.Dcr.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using System.Security.Cryptography.X509Certificates;

namespace IdentityServer.Dcr.Duende.Tests.Management;

/// <summary>
/// The confirmation (<c>cnf</c>) of a management access token: an <c>x5t#S256</c> must be the presented certificate's,
/// and any confirmation this endpoint cannot verify (a DPoP <c>jkt</c>) is refused rather than taken as a bearer token.
/// Duende's own token validation is represented by what it returns: the token's claims.
/// </summary>
[TestFixture]
public sealed class DuendeRegistrationAccessTokenValidatorTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly X509Certificate2 _certificate;

    public DuendeRegistrationAccessTokenValidatorTests()
        => _certificate = _pki.IssueClientCertificate(new X500DistinguishedName("CN=SoftwareA, OU=0015800001OrgA, O=OpenBanking, C=GB"));

    public void Dispose()
    {
        _certificate.Dispose();
        _pki.Dispose();
    }

    private static DuendeRegistrationAccessTokenValidator Validator(string? confirmation, X509Certificate2? presented, params string[] scopeClaims)
        => new(new ClaimsTokenValidator(confirmation, scopeClaims), new NoGrants(), new FixedCertificate(presented), NullLogger<DuendeRegistrationAccessTokenValidator>.Instance);

    private static string Thumbprint(X509Certificate2 certificate) => System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(certificate.RawData));

    [Test]
    public async Task ValidateAsync_DpopBoundToken_IsRefused()
    {
        // Act
        var result = await Validator("{\"jkt\":\"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I\"}", _certificate).ValidateAsync(new DefaultHttpContext(), "token", CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.False);
            Assert.That(result.Failure, Does.Contain("confirmation method this endpoint cannot verify"));
        });
    }

    [Test]
    public async Task ValidateAsync_CertificateBoundToTheTransportCertificate_Succeeds()
    {
        // Act
        var result = await Validator($"{{\"x5t#S256\":\"{Thumbprint(_certificate)}\"}}", _certificate).ValidateAsync(new DefaultHttpContext(), "token", CancellationToken.None);

        // Assert
        Assert.That(result.ClientId, Is.EqualTo("client-1"));
    }

    [Test]
    public async Task ValidateAsync_CertificateBoundToAnotherCertificate_IsRefused()
    {
        // Arrange
        using var other = _pki.IssueClientCertificate(new X500DistinguishedName("CN=SoftwareB, OU=0015800001OrgA, O=OpenBanking, C=GB"));

        // Act
        var result = await Validator($"{{\"x5t#S256\":\"{Thumbprint(other)}\"}}", _certificate).ValidateAsync(new DefaultHttpContext(), "token", CancellationToken.None);

        // Assert
        Assert.That(result.Succeeded, Is.False);
    }

    [Test]
    public async Task ValidateAsync_BearerTokenWithoutConfirmation_Succeeds()
    {
        // Act: management binds the certificate to the registration itself (ManagementEndpoints), whatever the token.
        var result = await Validator(null, _certificate).ValidateAsync(new DefaultHttpContext(), "token", CancellationToken.None);

        // Assert
        Assert.That(result.Succeeded, Is.True);
    }

    [Test]
    public async Task ValidateAsync_OneScopeClaimPerScope_ReturnsTheScopes()
    {
        // Act: Duende's default JWT shape, one "scope" claim per scope.
        var result = await Validator(null, _certificate, "accounts", "payments").ValidateAsync(new DefaultHttpContext(), "token", CancellationToken.None);

        // Assert
        Assert.That(result.Scopes, Is.EquivalentTo(new[] { "accounts", "payments" }));
    }

    [Test]
    public async Task ValidateAsync_SpaceDelimitedScopeClaim_IsSplit()
    {
        // Act: EmitScopesAsSpaceDelimitedStringInJwt.
        var result = await Validator(null, _certificate, "openid  accounts").ValidateAsync(new DefaultHttpContext(), "token", CancellationToken.None);

        // Assert
        Assert.That(result.Scopes, Is.EquivalentTo(new[] { "openid", "accounts" }));
    }

    [Test]
    public async Task ValidateAsync_NoScopeClaim_ScopesAreEmpty()
    {
        // Act
        var result = await Validator(null, _certificate).ValidateAsync(new DefaultHttpContext(), "token", CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True);
            Assert.That(result.Scopes, Is.Empty);
        });
    }

    private sealed class ClaimsTokenValidator(string? confirmation, string[] scopeClaims) : ITokenValidator
    {
        public Task<TokenValidationResult> ValidateAccessTokenAsync(string token, string? expectedScope = null)
        {
            var claims = new List<Claim> { new("client_id", "client-1") };
            claims.AddRange(scopeClaims.Select(scope => new Claim("scope", scope)));
            if (confirmation is not null)
            {
                claims.Add(new Claim("cnf", confirmation, "json"));
            }

            return Task.FromResult(new TokenValidationResult { IsError = false, Claims = claims });
        }

        public Task<TokenValidationResult> ValidateIdentityTokenAsync(string token, string? clientId = null, bool validateLifetime = true)
            => throw new NotSupportedException();
    }

    private sealed class NoGrants : IPersistedGrantStore
    {
        public Task StoreAsync(PersistedGrant grant) => Task.CompletedTask;

        public Task<PersistedGrant?> GetAsync(string key) => Task.FromResult<PersistedGrant?>(null);

        public Task<IEnumerable<PersistedGrant>> GetAllAsync(PersistedGrantFilter filter) => Task.FromResult<IEnumerable<PersistedGrant>>([]);

        public Task RemoveAsync(string key) => Task.CompletedTask;

        public Task RemoveAllAsync(PersistedGrantFilter filter) => Task.CompletedTask;
    }

    private sealed class FixedCertificate(X509Certificate2? certificate) : IClientCertificateAccessor
    {
        public Task<X509Certificate2?> GetClientCertificateAsync(HttpContext context, CancellationToken ct) => Task.FromResult(certificate);
    }
}

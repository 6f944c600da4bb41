// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Configuration;
using Microsoft.Extensions.Options;

namespace IdentityServer.Dcr.Duende.Tests.Discovery;

/// <summary>
/// Duende's <c>/.well-known/openid-configuration</c> on a bank with OBIE DCR (real Kestrel over TLS, PostgreSQL), with
/// engine options that differ from Duende's own values: every registration value must be the engine's.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ObieDiscoveryResponseGeneratorTests
{
    private DuendeTestBank _bank = null!;
    private JsonObject _document = null!;
    private RegistrationOptions _registration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _bank = await DuendeTestBank.StartAsync(options =>
        {
            var registration = options.Registration;
            registration.TokenEndpointAuthMethods.Clear(); // the test host enables three; discovery must show exactly these
            registration.TokenEndpointAuthMethods.Add("private_key_jwt");
            registration.TokenEndpointAuthSigningAlgorithms.Add("PS256");
            registration.GrantTypes.Add("client_credentials");
            registration.GrantTypes.Add("authorization_code");
            registration.ResponseTypes.Add("code id_token");
            registration.IdTokenSigningAlgorithms.Add("PS256");
            registration.RequestObjectSigningAlgorithms.Add("PS256");
            registration.RoleScopes["AISP"] = ["accounts"];
            registration.RoleScopes["PISP"] = ["payments"];
            registration.CertificateBoundAccessTokens = true;
        });
        _registration = _bank.GetRequiredService<IOptionsMonitor<DcrOptions>>().CurrentValue.Registration;
        using var client = _bank.Environment.Client(null);
        using var response = await client.GetAsync(new Uri(_bank.Host.BaseAddress, ".well-known/openid-configuration"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        _document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_bank is not null)
        {
            await _bank.DisposeAsync();
        }
    }

    [Test]
    public void Discovery_Endpoints_AreWhereTheBankMappedThem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_document["registration_endpoint"]?.GetValue<string>(), Is.EqualTo(_bank.Host.RegistrationEndpoint.AbsoluteUri));
            Assert.That(_document["token_endpoint"]?.GetValue<string>(), Is.EqualTo(_bank.Host.TokenEndpoint.AbsoluteUri));
        });
    }

    [Test]
    public void Discovery_RegistrationValues_AreTheEngineOptions()
    {
        // Arrange
        var expected = new Dictionary<string, IEnumerable<string>>
        {
            ["token_endpoint_auth_methods_supported"] = _registration.TokenEndpointAuthMethods,
            ["token_endpoint_auth_signing_alg_values_supported"] = _registration.TokenEndpointAuthSigningAlgorithms,
            ["grant_types_supported"] = _registration.GrantTypes,
            ["response_types_supported"] = _registration.ResponseTypes,
            ["id_token_signing_alg_values_supported"] = _registration.IdTokenSigningAlgorithms,
            ["request_object_signing_alg_values_supported"] = _registration.RequestObjectSigningAlgorithms,
            ["scopes_supported"] = _registration.ScopesForAllRoles.Concat(_registration.RoleScopes.Values.SelectMany(s => s)).Distinct(),
        };

        // Act + Assert
        Assert.Multiple(() =>
        {
            foreach (var (name, values) in expected)
            {
                Assert.That(_document[name]?.AsArray().Select(v => v!.GetValue<string>()), Is.EquivalentTo(values), name);
            }

            Assert.That(_document["tls_client_certificate_bound_access_tokens"]?.GetValue<bool>(), Is.EqualTo(_registration.CertificateBoundAccessTokens));
        });
    }

    [Test]
    public void Discovery_RegistrationValues_ReplaceDuendesOwn()
    {
        // Duende would list every method its secret parsers know, and RS256 for request objects.
        Assert.Multiple(() =>
        {
            Assert.That(_document["token_endpoint_auth_methods_supported"]!.AsArray().Select(v => v!.GetValue<string>()), Is.EqualTo(new[] { "private_key_jwt" }));
            Assert.That(_document["request_object_signing_alg_values_supported"]!.AsArray().Select(v => v!.GetValue<string>()), Does.Not.Contain("RS256"));
            Assert.That(_document["grant_types_supported"]!.AsArray().Select(v => v!.GetValue<string>()), Does.Not.Contain("refresh_token"));
        });
    }

    [Test]
    public void Discovery_DuendesOtherEntries_AreKept()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_document["issuer"]?.GetValue<string>(), Is.EqualTo(_bank.Host.BaseAddress.AbsoluteUri.TrimEnd('/')));
            Assert.That(_document["jwks_uri"]?.GetValue<string>(), Does.StartWith(_bank.Host.BaseAddress.AbsoluteUri));
            Assert.That(_document.ContainsKey("authorization_endpoint"), Is.True);
        });
    }
}

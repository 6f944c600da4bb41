// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Testing;
using IdentityServer.Dcr.Testing.Journey;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.Duende.Tests.Authorization;

/// <summary>
/// A TPP of the lifecycle environment registered at the Duende demo bank over mutual TLS (<c>private_key_jwt</c>,
/// <c>code id_token</c> unless told otherwise), as the shared suites use it (<see cref="AuthorizationJourneySuite"/>,
/// <see cref="OperatorAreaSuite"/>).
/// </summary>
internal sealed class DuendeJourneyTpp(TestTpp tpp, JsonObject registration, Uri tokenEndpoint) : IJourneyTpp
{
    public string ClientId => registration["client_id"]!.GetValue<string>();

    public string RedirectUri => registration["redirect_uris"]![0]!.GetValue<string>();

    public string IdTokenSignedResponseAlg => registration["id_token_signed_response_alg"]!.GetValue<string>();

    public X509Certificate2 TransportCertificate => tpp.TransportCertificate!;

    /// <summary>Registers a new TPP of <paramref name="environment"/> at <paramref name="bank"/>.</summary>
    public static async Task<IJourneyTpp> RegisterAsync(TestEnvironment environment, IJourneyBank bank, IReadOnlyList<string>? responseTypes = null)
    {
        var tpp = environment.NewTpp();
        using var client = Client(tpp.TransportCertificate!);
        using var content = new StringContent(environment.SignedRequest(tpp, c =>
        {
            if (responseTypes is not null)
            {
                c["response_types"] = new JsonArray([.. responseTypes.Select(t => JsonValue.Create(t))]);
            }
        }), Encoding.UTF8, "application/jose");
        using var response = await client.PostAsync(new Uri(bank.Url + "/register"), content);
        var registration = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), registration.ToJsonString());
        return new DuendeJourneyTpp(tpp, registration, new Uri(bank.Url + "/connect/token"));
    }

    public string Sign(JsonObject claims) => tpp.Sign(claims);

    public string ClientAssertion(string audience) => TestEnvironment.ClientAssertion(tpp.SigningKey, ClientId, new Uri(audience));

    public async Task<string> AccessTokenAsync()
    {
        using var client = Client(TransportCertificate);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "accounts",
            ["client_id"] = ClientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = ClientAssertion(tokenEndpoint.AbsoluteUri),
        });
        using var response = await client.PostAsync(tokenEndpoint, content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }

    public void Dispose()
    {
        // The lifecycle environment disposes its TPPs.
    }

    private static HttpClient Client(X509Certificate2 certificate)
        => new(new HttpClientHandler
        {
            ClientCertificates = { certificate },
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using IdentityServer.Dcr.Testing.Lifecycle;

namespace IdentityServer.Dcr.IntegrationTests.OpenApi;

/// <summary>
/// The OpenAPI document that Microsoft.AspNetCore.OpenApi produces from the endpoints' metadata (<c>MapDcr</c>), for
/// each <c>Dcr:SpecVersion</c>, against OBIE's OpenAPI file of that version (<c>OpenApi/Obie</c>): paths, methods and
/// status codes, the request media types, the error schema and the fields of the registration response. Every
/// difference is listed below with its reason; a difference that is not listed, or a listed one that is gone, fails.
/// The document is then checked against real answers of the endpoints.
/// </summary>
[TestFixture(DcrSpecVersion.Version32, "v3.2")]
[TestFixture(DcrSpecVersion.Version33, "v3.3")]
[TestFixture(DcrSpecVersion.Version34, "v3.4")]
[Category("Integration")]
public sealed class OpenApiDocumentTests(DcrSpecVersion version, string obieVersion)
{
    private const string Register = "/register";
    private const string Manage = "/register/{ClientId}";

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"dcr-openapi-{Guid.NewGuid():N}.db");
    private readonly FakeAccessTokens _tokens = new();
    private TestEnvironment _environment = null!;
    private OpenApiDocument _ours = null!;
    private OpenApiDocument _obie = null!;

    /// <summary>
    /// Operations and status codes that our document has and OBIE's file has not, with the versions they apply to.
    /// </summary>
    private static readonly (string Entry, DcrSpecVersion[]? Versions, string Reason)[] AddedResponses =
    [
        // A dependency outage (database, JWKS host, revocation source) answers 503 temporarily_unavailable with
        // Retry-After rather than a 500; OBIE's file lists no 5xx at all.
        ("POST /register 503", null, "dependency outage"),
        ("GET /register/{ClientId} 503", null, "dependency outage"),
        ("PUT /register/{ClientId} 503", null, "dependency outage"),
        ("DELETE /register/{ClientId} 503", null, "dependency outage"),

        // Every management operation is optional for a bank (Dcr:Management), and one that is turned off answers 405
        // with Allow; OBIE's file lists 405 on DELETE only (and refers it to its 403Error response).
        ("GET /register/{ClientId} 405", null, "operation turned off"),
        ("PUT /register/{ClientId} 405", null, "operation turned off"),

        // The text of 3.3 names the read operation POST /register/{ClientId} (its OpenAPI file, and 3.2's, have GET);
        // before 3.4 the engine serves both (Dcr:Management:EnableLegacyPostRead), with GET's answers. 3.4 has GET only.
        ("POST /register/{ClientId} 200", [DcrSpecVersion.Version32, DcrSpecVersion.Version33], "legacy POST read"),
        ("POST /register/{ClientId} 401", [DcrSpecVersion.Version32, DcrSpecVersion.Version33], "legacy POST read"),
        ("POST /register/{ClientId} 403", [DcrSpecVersion.Version32, DcrSpecVersion.Version33], "legacy POST read"),
        ("POST /register/{ClientId} 405", [DcrSpecVersion.Version32, DcrSpecVersion.Version33], "legacy POST read"),
        ("POST /register/{ClientId} 503", [DcrSpecVersion.Version32, DcrSpecVersion.Version33], "legacy POST read"),
    ];

    /// <summary>Operations and status codes of OBIE's file that our document has not. None.</summary>
    private static readonly string[] MissingResponses = [];

    /// <summary>Fields of OBIE's registration response (<c>OBClientRegistration1</c>) that ours does not have.</summary>
    private static readonly (string Field, string Reason)[] MissingFields =
    [
        // OBIE's response schema is allOf the request's JWT claims (iss, iat, exp, aud, jti) and the registration
        // properties. Those claims describe the TPP's signed request, not the client: the engine does not echo them,
        // and leaves the software statement's own envelope claims out too (RegistrationResponseGenerator.EnvelopeClaims).
        ("iss", "request JWT claim"),
        ("iat", "request JWT claim"),
        ("exp", "request JWT claim"),
        ("aud", "request JWT claim"),
        ("jti", "request JWT claim"),
    ];

    /// <summary>Fields of our registration response that OBIE's file does not define, with the versions they apply to.</summary>
    private static readonly (string Field, DcrSpecVersion[]? Versions, string Reason)[] AddedFields =
    [
        // The software statement's software_jwks_endpoint, where the bank fetches the client's keys (RFC 7591 jwks_uri).
        ("jwks_uri", null, "RFC 7591 metadata"),

        // CIBA metadata came with 3.3; one schema describes every version, and a 3.2 registration never has them
        // (CIBA is refused before 3.3).
        ("backchannel_token_delivery_mode", [DcrSpecVersion.Version32], "CIBA from 3.3"),
        ("backchannel_client_notification_endpoint", [DcrSpecVersion.Version32], "CIBA from 3.3"),
        ("backchannel_authentication_request_signing_alg", [DcrSpecVersion.Version32], "CIBA from 3.3"),
        ("backchannel_user_code_parameter_supported", [DcrSpecVersion.Version32], "CIBA from 3.3"),
    ];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // The endpoints as MapDcr maps them, with a token validator so that management is served, and the document as
        // Microsoft.AspNetCore.OpenApi makes it with its defaults (AddOpenApi, MapOpenApi): nothing but the endpoints'
        // metadata describes them. SQLite keeps the fixture light; the store plays no part in the description.
        _environment = await TestEnvironment.StartWithEngineAsync(
            options => options.SpecVersion = version,
            sqliteConnectionString: $"Data Source={_file}",
            configureServices: (services, _) =>
            {
                services.AddSingleton<IRegistrationAccessTokenValidator>(_tokens);
                services.AddSingleton<IClientTokenRevoker>(_tokens);
                services.AddOpenApi("dcr");
            },
            configureApp: app =>
            {
                app.MapOpenApi();
                return Task.CompletedTask;
            });

        using var client = _environment.Client(null);
        var json = await client.GetStringAsync(new Uri(_environment.Host.BaseAddress, "/openapi/dcr.json"));
        _ours = Parse(json, "json");
        _obie = Parse(await File.ReadAllTextAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, "OpenApi", "Obie", $"{obieVersion}-client-registration-openapi.yaml")), "yaml");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _environment.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Test]
    public void Document_PathsMethodsAndStatusCodes_AreObieFileWithListedDeviations()
    {
        // Arrange
        var ours = Responses(_ours);
        var obie = Responses(_obie);

        // Act
        var added = ours.Except(obie).Order(StringComparer.Ordinal).ToList();
        var missing = obie.Except(ours).Order(StringComparer.Ordinal).ToList();

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(added, Is.EqualTo(AddedResponses.Where(Applies).Select(a => a.Entry).Order(StringComparer.Ordinal)), "operations or status codes beyond OBIE's file");
            Assert.That(missing, Is.EqualTo(MissingResponses.Order(StringComparer.Ordinal)), "operations or status codes of OBIE's file");
        });
    }

    [Test]
    public void Document_RegistrationResponse_HasObieFieldsWithListedDeviations()
    {
        // Arrange
        var ours = Schema(_ours, "POST", Register, "201");
        var obie = Schema(_obie, "POST", Register, "201");

        // Act
        var oursFields = Properties(ours);
        var obieFields = Properties(obie);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(obieFields.Except(oursFields).Order(StringComparer.Ordinal), Is.EqualTo(MissingFields.Select(m => m.Field).Order(StringComparer.Ordinal)), "fields of OBIE's response");
            Assert.That(oursFields.Except(obieFields).Order(StringComparer.Ordinal), Is.EqualTo(AddedFields.Where(Applies).Select(a => a.Field).Order(StringComparer.Ordinal)), "fields beyond OBIE's response");
            Assert.That(Required(obie).Except(Required(ours)).Order(StringComparer.Ordinal), Is.EqualTo(MissingFields.Select(m => m.Field).Order(StringComparer.Ordinal)), "fields OBIE requires");
        });
    }

    [TestCase("GET", Manage, "200")]
    [TestCase("PUT", Manage, "200")]
    public void Document_ManagementResponse_IsTheRegistrationResponse(string method, string path, string status)
    {
        // Act
        var schema = Schema(_ours, method, path, status);

        // Assert
        Assert.That(Properties(schema), Is.EquivalentTo(Properties(Schema(_ours, "POST", Register, "201"))));
    }

    [Test]
    public void Document_ErrorResponses_AreTheRfc7591ErrorOfObieFile()
    {
        // Arrange
        var obieError = Schema(_obie, "POST", Register, "400");
        var errors = Operations(_ours)
            .SelectMany(o => o.Operation.Responses!.Where(r => r.Key is not ("200" or "201" or "204" or "405")).Select(r => (Name: $"{o.Method} {o.Path} {r.Key}", Response: r.Value)))
            .ToList();

        // Assert
        Assert.That(errors, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var (name, response) in errors)
            {
                var schema = response.Content?.TryGetValue("application/json", out var media) == true ? media.Schema : null;
                Assert.That(schema, Is.Not.Null, name);
                Assert.That(Properties(schema!), Is.SupersetOf(Properties(obieError)), name);
            }
        });
    }

    [TestCase("POST", Register)]
    [TestCase("PUT", Manage)]
    public void Document_RequestBody_IsRequiredJwtWithObieMediaType(string method, string path)
    {
        // Arrange
        var ours = Operation(_ours, method, path).RequestBody;
        var obie = Operation(_obie, method, path).RequestBody;

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(ours, Is.Not.Null);
            Assert.That(ours!.Required, Is.True);
            Assert.That(ours.Content!.Keys, Is.SupersetOf(obie!.Content!.Keys));
            Assert.That(ours.Content.Keys.First(), Is.EqualTo("application/jwt"));
            Assert.That(ours.Content["application/jwt"].Schema!.Type, Is.EqualTo(JsonSchemaType.String));
        });
    }

    [Test]
    public async Task Endpoints_RegistrationAndRead_AnswerTheDocumentedFields()
    {
        // Arrange
        var schema = Schema(_ours, "POST", Register, "201");
        var documented = Properties(schema);
        var required = Required(schema);
        var tpp = _environment.NewTpp();

        // Act
        using var created = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp), "application/jwt");
        var registration = JsonNode.Parse(await created.Content.ReadAsStringAsync())!.AsObject();
        var clientId = registration["client_id"]!.GetValue<string>();
        using var read = await _environment.SendAsync(HttpMethod.Get, new Uri($"{_environment.Host.RegistrationEndpoint}/{clientId}"), tpp.TransportCertificate, FakeAccessTokens.For(clientId));
        var readBody = JsonNode.Parse(await read.Content.ReadAsStringAsync())!.AsObject();

        // Assert: every field is documented, or one of the software statement's claims (additional properties).
        var statementClaims = SoftwareStatementClaims(registration["software_statement"]!.GetValue<string>());
        Assert.Multiple(() =>
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), registration.ToJsonString());
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK), readBody.ToJsonString());
            foreach (var (name, body) in new[] { ("201", registration), ("200", readBody) })
            {
                Assert.That(body.Select(p => p.Key).Except(documented).Except(statementClaims), Is.Empty, $"{name}: fields neither documented nor from the software statement");
                Assert.That(required.Except(body.Select(p => p.Key)), Is.Empty, $"{name}: documented as required, not answered");
                Assert.That(body.Where(p => p.Value is null).Select(p => p.Key), Is.Empty, $"{name}: an absent value is left out, never null");
            }
        });
    }

    [Test]
    public async Task Endpoints_ErrorStatuses_AnswerTheDocumentedErrorFields()
    {
        // Arrange
        var documented = Properties(Schema(_ours, "POST", Register, "400"));
        var tpp = _environment.NewTpp();

        // Act
        using var rejected = await _environment.PostAsync(tpp.TransportCertificate, "not a JWS", "application/jwt");
        using var unauthorised = await _environment.SendAsync(HttpMethod.Get, new Uri($"{_environment.Host.RegistrationEndpoint}/unknown"), tpp.TransportCertificate, accessToken: null);

        // Assert
        Assert.Multiple(async () =>
        {
            Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(unauthorised.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            foreach (var response in new[] { rejected, unauthorised })
            {
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
                Assert.That(body.Select(p => p.Key), Is.SubsetOf(documented), $"{(int)response.StatusCode}: fields not documented");
            }
        });
    }

    [TestCase("POST", "text/plain")]
    [TestCase("POST", null)]
    [TestCase("PUT", "application/x-www-form-urlencoded")]
    [TestCase("PUT", null)]
    public async Task Endpoints_MediaTypeNotDocumented_AnsweredByTheEngineNot415(string method, string? contentType)
    {
        // Arrange: the documented media types are endpoint metadata, which routing would enforce with a bare 415.
        var (tpp, clientId) = await RegisterAsync();
        var uri = method == "POST" ? _environment.Host.RegistrationEndpoint : new Uri($"{_environment.Host.RegistrationEndpoint}/{clientId}");
        using var client = _environment.Client(tpp.TransportCertificate);
        using var request = new HttpRequestMessage(new HttpMethod(method), uri) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(_environment.SignedRequest(tpp))) };
        request.Content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FakeAccessTokens.For(clientId));

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo(DcrErrors.InvalidClientMetadata));
        });
    }

    private async Task<(Testing.TestTpp Tpp, string ClientId)> RegisterAsync()
    {
        var tpp = _environment.NewTpp();
        using var created = await _environment.PostAsync(tpp.TransportCertificate, _environment.SignedRequest(tpp), "application/jwt");
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), body.ToJsonString());
        return (tpp, body["client_id"]!.GetValue<string>());
    }

    private bool Applies((string Entry, DcrSpecVersion[]? Versions, string Reason) deviation)
        => deviation.Versions is null || deviation.Versions.Contains(version);

    private static OpenApiDocument Parse(string text, string format)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        var result = OpenApiDocument.Parse(text, format, settings);
        Assert.That(result.Diagnostic?.Errors ?? [], Is.Empty, $"the {format} document does not parse");
        return result.Document!;
    }

    private static IEnumerable<(string Method, string Path, OpenApiOperation Operation)> Operations(OpenApiDocument document)
        => document.Paths.SelectMany(path => (path.Value.Operations ?? []).Select(o => (o.Key.Method, path.Key, o.Value)));

    /// <summary>Every operation and status code, as <c>METHOD path status</c>.</summary>
    private static HashSet<string> Responses(OpenApiDocument document)
        => Operations(document).SelectMany(o => (o.Operation.Responses ?? []).Select(r => $"{o.Method} {o.Path} {r.Key}")).ToHashSet(StringComparer.Ordinal);

    private static OpenApiOperation Operation(OpenApiDocument document, string method, string path)
        => Operations(document).Single(o => o.Method == method && o.Path == path).Operation;

    private static IOpenApiSchema Schema(OpenApiDocument document, string method, string path, string status)
        => Operation(document, method, path).Responses![status].Content!["application/json"].Schema!;

    /// <summary>The names of a schema's properties, through <c>allOf</c>.</summary>
    private static HashSet<string> Properties(IOpenApiSchema schema)
        => (schema.Properties?.Keys ?? []).Concat((schema.AllOf ?? []).SelectMany(Properties)).ToHashSet(StringComparer.Ordinal);

    /// <summary>The names of a schema's required properties, through <c>allOf</c>.</summary>
    private static HashSet<string> Required(IOpenApiSchema schema)
        => (schema.Required ?? new HashSet<string>()).Concat((schema.AllOf ?? []).SelectMany(Required)).ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> SoftwareStatementClaims(string softwareStatement)
    {
        var payload = softwareStatement.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)))!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
    }
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jose;

namespace IdentityServer.Dcr.Host.Development;

/// <summary>
/// A sandbox directory for developers (Development only): it issues software statements signed by the sandbox
/// trust anchor, transport certificates from the sandbox CA, and hosts TPPs' public JWKS, so a TPP can be
/// registered on one machine with no outside service.
/// </summary>
public static partial class SandboxEndpoints
{
    public static void MapSandbox(this WebApplication app, SandboxPki pki, string issuer)
    {
        var group = app.MapGroup("/sandbox");
        group.MapGet("/jwks", () => Results.Text(AnchorJwks(pki).ToJsonString(), "application/json"));
        group.MapGet("/ca.pem", () => Results.Text(pki.CertificateAuthority.ExportCertificatePem(), "application/x-pem-file"));
        group.MapPost("/software-statements", async (HttpRequest request) =>
        {
            var input = await ReadObjectAsync(request);
            if (input is null
                || Text(input, "software_jwks_endpoint") is not { } jwksEndpoint
                || !Uri.TryCreate(jwksEndpoint, UriKind.Absolute, out _))
            {
                return Results.BadRequest(
                    new { error = "invalid_request", error_description = "Send a JSON object with software_jwks_endpoint (an absolute URL)." });
            }

            var softwareId = Identifier(Text(input, "software_id")) ?? NewId(22);
            var orgId = Identifier(Text(input, "org_id")) ?? "0015800001" + NewId(8);
            var claims = new JsonObject
            {
                ["iss"] = issuer,
                ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["jti"] = Guid.NewGuid().ToString("N")[..16],
                ["software_environment"] = "sandbox",
                ["software_mode"] = "Test",
                ["software_id"] = softwareId,
                ["software_client_id"] = softwareId,
                ["software_client_name"] = Text(input, "software_client_name") ?? "Sandbox TPP",
                ["software_version"] = "1.0",
                ["software_redirect_uris"] = input["redirect_uris"]?.DeepClone() ?? new JsonArray("https://tpp.example.com/callback"),
                ["software_roles"] = input["software_roles"]?.DeepClone() ?? new JsonArray("AISP", "PISP", "CBPII"),
                ["organisation_competent_authority_claims"] = new JsonObject
                {
                    ["authority_id"] = "OBGBR",
                    ["registration_id"] = "Unknown" + orgId,
                    ["status"] = "Active",
                },
                ["org_status"] = "Active",
                ["org_id"] = orgId,
                ["org_name"] = "Sandbox TPP Ltd",
                ["software_jwks_endpoint"] = jwksEndpoint,
            };
            var ssa = JWT.Encode(
                claims.ToJsonString(),
                pki.AnchorKey,
                JwsAlgorithm.PS256,
                new Dictionary<string, object> { ["kid"] = pki.AnchorKeyId, ["typ"] = "JWT" });
            return Results.Text(ssa, "application/jwt");
        });
        group.MapPost("/transport-certificates", async (HttpRequest request) =>
        {
            var input = await ReadObjectAsync(request);
            var softwareId = Identifier(input is null ? null : Text(input, "software_id"));
            var orgId = Identifier(input is null ? null : Text(input, "org_id"));
            if (softwareId is null || orgId is null)
            {
                return Results.BadRequest(
                    new
                    {
                        error = "invalid_request",
                        error_description = "Send a JSON object with software_id and org_id (letters and digits, up to 64).",
                    });
            }

            using var certificate = pki.IssueTransportCertificate(softwareId, orgId);
            return Results.Json(new
            {
                certificate_pem = certificate.ExportCertificatePem(),
                private_key_pem = certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem(),
                subject_dn = certificate.Subject,
            });
        });
        group.MapGet("/transport-ca.crl", () => Results.Bytes(pki.BuildCrl(), "application/pkix-crl"));
        group.MapPost("/transport-certificates/revoke", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var pem = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            X509Certificate2 certificate;
            try
            {
                certificate = X509Certificate2.CreateFromPem(pem);
            }
            catch (Exception exception) when (exception is CryptographicException or ArgumentException)
            {
                return Results.BadRequest(new { error = "invalid_request", error_description = "Send the transport certificate as PEM." });
            }

            using (certificate)
            {
                return pki.Revoke(certificate)
                    ? Results.NoContent()
                    : Results.BadRequest(new { error = "invalid_request", error_description = "The certificate was not issued by the sandbox CA." });
            }
        });
        group.MapPut("/software/{softwareId}/jwks", async (string softwareId, HttpRequest request) =>
        {
            var input = await ReadObjectAsync(request);
            if (Identifier(softwareId) is null || input?["keys"] is not JsonArray keys || keys.Count is 0 or > 20
                || keys.Any(k => k is not JsonObject key || key.ContainsKey("d") || key.ContainsKey("k")))
            {
                return Results.BadRequest(
                    new { error = "invalid_request", error_description = "Send a JWKS of 1 to 20 public keys (no private or symmetric keys)." });
            }

            // Kept in memory and under App_Data, so enrolled TPPs keep working after a restart of the host.
            var jwks = input.ToJsonString();
            pki.SoftwareJwks[softwareId] = jwks;
            Directory.CreateDirectory(pki.SoftwareJwksDirectory);
            await File.WriteAllTextAsync(Path.Combine(pki.SoftwareJwksDirectory, softwareId + ".json"), jwks, request.HttpContext.RequestAborted);
            return Results.NoContent();
        });
        group.MapGet("/software/{softwareId}/jwks", (string softwareId) =>
        {
            if (Identifier(softwareId) is null)
            {
                return Results.NotFound();
            }

            var file = Path.Combine(pki.SoftwareJwksDirectory, softwareId + ".json");
            var jwks = pki.SoftwareJwks.TryGetValue(softwareId, out var cached)
                ? cached
                : File.Exists(file)
                ? pki.SoftwareJwks.GetOrAdd(softwareId, File.ReadAllText(file))
                : null;
            return jwks is null ? Results.NotFound() : Results.Text(jwks, "application/json");
        });
    }

    /// <summary>
    /// The sandbox listens on plain HTTP only to publish its CRL (CAs publish CRLs over HTTP, and the engine fetches
    /// them): every other plain-HTTP request is answered 404.
    /// </summary>
    public static void UseSandboxPlainHttpGuard(this WebApplication app)
        => app.Use((context, next) => context.Request.IsHttps || context.Request.Path.Equals("/sandbox/transport-ca.crl", StringComparison.Ordinal)
            ? next(context)
            : Results.NotFound().ExecuteAsync(context));

    public static JsonObject AnchorJwks(SandboxPki pki)
    {
        var jwk = JsonNode.Parse(
            new Jwk(pki.AnchorKey, isPrivate: false) { KeyId = pki.AnchorKeyId, Use = "sig", Alg = "PS256" }.ToJson(JWT.DefaultSettings.JsonMapper))!;
        return new JsonObject { ["keys"] = new JsonArray(jwk) };
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        if (request.ContentLength is > 64 * 1024)
        {
            return null;
        }

        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject input, string name)
        => input[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string? Identifier(string? value) => value is not null && IdentifierPattern().IsMatch(value) ? value : null;

    private static string NewId(int length)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    [GeneratedRegex("^[0-9A-Za-z]{1,64}$")]
    private static partial Regex IdentifierPattern();
}

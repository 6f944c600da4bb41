// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Registration;
using IdentityServer.Dcr.Tpp.State;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// <c>obie-tpp sandbox enrol</c>: against the demo host's sandbox directory (Development only), publishes the public
/// JWKS, obtains an SSA that points at it and a transport certificate, and saves them.
/// </summary>
internal sealed class SandboxEnrolCommand(TppContext context)
{
    public async Task RunAsync(SandboxEnrolOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = context.Store;
        var state = store.Load();
        using var key = context.LoadSigningKey(state);
        var bank = TppContext.ResolveBank(options.Bank, state.Bank);
        var sandbox = new Uri(DiscoveryDocument.WithTrailingSlash(bank), "sandbox/");
        var jwksUrl = new Uri(sandbox, $"software/{Uri.EscapeDataString(state.SoftwareId)}/jwks");
        using var client = context.CreateClient(null);

        context.Console.Step($"Publishing the public JWKS (kid {key.KeyId}) at {jwksUrl}");
        var put = await client.SendAsync(HttpMethod.Put, jwksUrl, Json(key.PublicJwks()), null, ct);
        if (!put.IsSuccess)
        {
            throw put.Failure("publishing the JWKS");
        }

        var ssaRequest = new JsonObject
        {
            ["software_id"] = state.SoftwareId,
            ["org_id"] = state.OrganisationId,
            ["software_jwks_endpoint"] = jwksUrl.AbsoluteUri,
        };
        if (options.RedirectUris.Count > 0)
        {
            ssaRequest["redirect_uris"] = new JsonArray(options.RedirectUris.Select(u => (JsonNode?)JsonValue.Create(u)).ToArray());
        }

        if (options.ClientName is not null)
        {
            ssaRequest["software_client_name"] = options.ClientName;
        }

        var ssaUrl = new Uri(sandbox, "software-statements");
        context.Console.Step($"Requesting a software statement from {ssaUrl}");
        var ssaResponse = await client.SendAsync(HttpMethod.Post, ssaUrl, Json(ssaRequest), null, ct);
        if (!ssaResponse.IsSuccess)
        {
            throw ssaResponse.Failure("requesting a software statement");
        }

        var ssa = ssaResponse.Body.Trim();
        var ssaInfo = SoftwareStatementInfo.Read(ssa);
        if (ssaInfo.SoftwareId != state.SoftwareId || ssaInfo.OrganisationId != state.OrganisationId)
        {
            throw new TppException(
                $"the sandbox issued an SSA for software_id {ssaInfo.SoftwareId} / org_id "
                + $"{ssaInfo.OrganisationId}, not {state.SoftwareId} / {state.OrganisationId} (the sandbox takes "
                + $"letters and digits only).");
        }

        context.Console.Detail($"SSA from '{ssaInfo.Issuer}', software_id {ssaInfo.SoftwareId}, roles {string.Join(' ', ssaInfo.Roles)}");

        var certificateUrl = new Uri(sandbox, "transport-certificates");
        context.Console.Step($"Requesting a transport certificate from {certificateUrl}");
        var certificateResponse = await client.SendAsync(
            HttpMethod.Post,
            certificateUrl,
            Json(new JsonObject { ["software_id"] = state.SoftwareId, ["org_id"] = state.OrganisationId }),
            null,
            ct);
        if (!certificateResponse.IsSuccess)
        {
            throw certificateResponse.Failure("requesting a transport certificate");
        }

        var issued = certificateResponse.Json;
        var certificatePem = JsonFields.Text(issued, "certificate_pem");
        var privateKeyPem = JsonFields.Text(issued, "private_key_pem");
        if (certificatePem is null || privateKeyPem is null)
        {
            throw new TppException($"POST {certificateUrl} answered without certificate_pem and private_key_pem.");
        }

        var certificatePath = store.WritePrivateFile(StateStore.TransportCertificateFileName, certificatePem);
        var keyPath = store.WritePrivateFile(StateStore.TransportKeyFileName, privateKeyPem);
        state.Bank = bank.AbsoluteUri.TrimEnd('/');
        state.SoftwareStatement = ssa;
        state.TransportCertificateFile = StateStore.TransportCertificateFileName;
        state.TransportKeyFile = StateStore.TransportKeyFileName;
        using (var certificate = context.LoadTransportCertificate(state))
        {
            state.TransportSubjectDn = SubjectDnFormatter.Format(certificate.SubjectName);
            context.Console.Detail($"transport certificate: {state.TransportSubjectDn}, valid until {certificate.NotAfter:yyyy-MM-dd}");
        }

        context.Console.Detail($"saved {certificatePath} and {keyPath} (mode 0600)");

        var caUrl = new Uri(sandbox, "ca.pem");
        var ca = await client.SendAsync(HttpMethod.Get, caUrl, null, null, ct);
        if (ca.IsSuccess && ca.Body.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            var caPath = store.WritePrivateFile(StateStore.SandboxCaFileName, ca.Body);
            context.Console.Detail($"sandbox CA saved to {caPath}: later commands may pass --ca-file {caPath} instead of --insecure");
        }

        store.Save(state);
        context.Console.Step($"Enrolled software {state.SoftwareId} with the sandbox at {state.Bank}. Next: 'obie-tpp register'.");
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}

// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Http;

namespace IdentityServer.Dcr.Tpp.Commands;

/// <summary>
/// <c>obie-tpp consent</c>: creates an OB Read/Write 3.1 account-access consent (the intent the customer will
/// authorise) with a client-credentials token over mutual TLS, and saves its <c>ConsentId</c> for <c>authorize</c>.
/// </summary>
internal sealed class ConsentCommand(TppContext context)
{
    /// <summary>Where OB Read/Write 3.1 puts the account-access consents, under the bank's base URL.</summary>
    public const string ConsentsPath = "open-banking/v3.1/aisp/account-access-consents";

    public const string InteractionIdHeader = "x-fapi-interaction-id";

    /// <summary>Readable JSON: a date's <c>+00:00</c> stays as it is instead of <c>\u002B00:00</c> (still valid JSON either way).</summary>
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task<string> RunAsync(ConsentOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = context.Store.Load();
        _ = state.ClientId ?? throw new TppException("no client_id: run 'obie-tpp register' first.");
        var body = BuildBody(options.Permissions.Count > 0 ? options.Permissions : ConsentOptions.DefaultPermissions, options.ExpirationDateTime);
        using var certificate = context.LoadTransportCertificate(state);
        using var client = context.CreateClient(certificate);
        var bank = TppContext.ResolveBank(options.Bank, state.Bank);
        var url = new Uri(Registration.DiscoveryDocument.WithTrailingSlash(bank), ConsentsPath);

        var token = await new TokenCommand(context)
            .EnsureAsync(client, state, new TokenOptions { Bank = options.Bank, TokenEndpoint = options.TokenEndpoint }, ct);
        var interactionId = Guid.NewGuid().ToString();
        context.Console.Step($"POST {url} (mutual TLS as {state.TransportSubjectDn}, {InteractionIdHeader} {interactionId})");
        context.Console.Detail("Data: " + body["Data"]!.ToJsonString(Relaxed));
        var content = new StringContent(body.ToJsonString(Relaxed), Encoding.UTF8, "application/json");
        var response = await client.SendAsync(
            HttpMethod.Post,
            url,
            content,
            new AuthenticationHeaderValue("Bearer", token),
            new Dictionary<string, string> { [InteractionIdHeader] = interactionId },
            ct);
        var json = response.IsSuccess ? response.Json : null;
        var data = json?["Data"] as JsonObject;
        var consentId = JsonFields.Text(data, "ConsentId");
        if (consentId is null)
        {
            throw response.IsSuccess
                ? new TppException($"POST {url} answered {response.StatusText} without Data.ConsentId.")
                : Failure(response, "creating the account-access consent");
        }

        var status = JsonFields.Text(data, "Status");
        var echoed = response.EchoedHeaders.GetValueOrDefault(InteractionIdHeader);
        if (echoed is not null && echoed != interactionId)
        {
            context.Console.Warn($"the bank answered {InteractionIdHeader} {echoed}, not the {interactionId} that was sent.");
        }

        state.ConsentId = consentId;
        state.ConsentStatus = status;
        state.PendingAuthorization = null;
        context.Store.Save(state);
        context.Console.Step(
            $"Consent created: {response.StatusText}, ConsentId {consentId}, Status {status ?? "(none)"} (saved to {context.Store.StatePath})");
        context.Console.Detail("Permissions: " + string.Join(", ", JsonFields.Texts(data, "Permissions") ?? []));
        if (JsonFields.Text(data, "ExpirationDateTime") is { } expires)
        {
            context.Console.Detail("ExpirationDateTime: " + expires);
        }

        context.Console.Detail("Next: 'obie-tpp authorize' sends the customer to the bank to authorise it.");
        return consentId;
    }

    /// <summary>The OBReadConsent1 body: <c>{"Data":{"Permissions":[...],"ExpirationDateTime":...},"Risk":{}}</c>.</summary>
    internal static JsonObject BuildBody(IEnumerable<string> permissions, string? expirationDateTime)
    {
        var list = permissions.SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (list.Count == 0)
        {
            throw new TppException("no permissions: pass --permissions ReadAccountsBasic,ReadBalances (OB Read/Write 3.1 codes).");
        }

        var data = new JsonObject { ["Permissions"] = new JsonArray([.. list.Select(p => JsonValue.Create(p))]) };
        if (expirationDateTime is not null)
        {
            if (!DateTimeOffset.TryParse(expirationDateTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
            {
                throw new TppException($"--expires '{expirationDateTime}' is not an ISO 8601 date and time, such as 2030-12-31T00:00:00+00:00.");
            }

            data["ExpirationDateTime"] = expires.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }

        return new JsonObject { ["Data"] = data, ["Risk"] = new JsonObject() };
    }

    /// <summary>An OB error body (<c>Code</c>, <c>Message</c>, <c>Errors[]</c>) in one line, or the status's meaning for 401 and 403.</summary>
    internal static TppException Failure(BankResponse response, string action)
    {
        var where = $"{response.Method} {response.Url}";
        if (response.Json is { } json && (json["Errors"] is JsonArray || json["Message"] is not null))
        {
            var errors = (json["Errors"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(
                    e => $"{JsonFields.Text(e, "ErrorCode")}: "
                        + $"{JsonFields.Text(e, "Message")}{(JsonFields.Text(e, "Path") is { } path ? $" (at {path})" : "")}");
            return new TppException(
                $"{action} failed: {where} answered {response.StatusText}: "
                + $"{JsonFields.Text(json, "Message") ?? "(no message)"} {string.Join("; ", errors)}".TrimEnd());
        }

        var challenge = response.WwwAuthenticate is null ? "" : $" ({response.WwwAuthenticate})";
        return response.Status switch
        {
            HttpStatusCode.Unauthorized => new TppException(
                $"{action} failed: {where} answered {response.StatusText}{challenge}: the bank refused the access "
                + $"token or the transport certificate; run 'obie-tpp token' for a new token."),
            HttpStatusCode.Forbidden when response.WwwAuthenticate?.Contains("insufficient_scope", StringComparison.Ordinal) == true =>
                new TppException(
                    $"{action} failed: {where} answered {response.StatusText}{challenge}: the access token lacks "
                    + $"the 'accounts' scope; register with it (obie-tpp update --scope \"openid accounts\"), then "
                    + $"'obie-tpp token --scope accounts'."),
            HttpStatusCode.Forbidden
                => new TppException($"{action} failed: {where} answered {response.StatusText}{challenge}: the client may not do this."),
            _ => response.Failure(action),
        };
    }
}

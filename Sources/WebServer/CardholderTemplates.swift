/// The cardholder's pages (docs/cardholder.md): their own frame, the shop's colours from
/// `/c/style/MERCHANT.css`, no navigation, no script, no form.
extension Templates {
    static let holderFrame = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{$title}}{{/title}}</title>
        <link rel="stylesheet" href="/c/style/{{merchant}}.css">
        </head>
        <body class="holder">
        {{$content}}{{/content}}
        </body>
        </html>
        """

    static let holder = """
        {{<holder-frame}}
        {{$title}}{{heading}}{{/title}}
        {{$content}}
        <header class="shop">
        {{#logo}}<img src="/c/logo/{{merchant}}.png" alt="" class="logo">{{/logo}}
        <h1 id="shop">{{shop}}</h1>
        </header>
        <main>
        {{#programEnds}}<p class="ending" id="program-end">{{programEnds}}</p>{{/programEnds}}
        <section class="balances" id="balances">
        <div class="balance"><span class="figure" id="points">{{points}}</span><span class="label">{{t.holder_points}}</span></div>
        {{#discount}}<div class="balance"><span class="figure" id="discount">{{discount}}</span><span class="label">{{t.holder_discount}}</span></div>{{/discount}}
        {{#prepaid}}<div class="balance"><span class="figure" id="prepaid">{{prepaid}}</span><span class="label">{{t.holder_prepaid}}</span></div>{{/prepaid}}
        {{#stamps}}<div class="balance"><span class="figure" id="stamps">{{stamps}}</span><span class="label">{{t.holder_stamps}}</span></div>{{/stamps}}
        </section>
        <section class="code" id="barcode">
        <h2>{{t.holder_barcode}}</h2>
        {{{barcode}}}
        <p class="number">{{t.holder_number}}: <span id="card-number">{{number}}</span></p>
        <p class="note" id="laser-note">{{t.holder_barcodeNote}}</p>
        </section>
        {{#wallet}}
        <section class="wallet" id="wallet">
        <h2>{{t.holder_wallet}}</h2>
        {{#apple}}<a class="button" id="apple-wallet" href="{{apple}}">{{t.holder_apple}}</a>{{/apple}}
        {{#google}}<a class="button" id="google-wallet" href="{{google}}" rel="noopener">{{t.holder_google}}</a>{{/google}}
        </section>
        {{/wallet}}
        {{#hasVouchers}}
        <section id="vouchers">
        <h2>{{t.holder_vouchers}}</h2>
        <ul>{{#vouchers}}<li><strong>{{what}}</strong> <code>{{code}}</code>{{#until}} · {{until}}{{/until}}</li>{{/vouchers}}</ul>
        </section>
        {{/hasVouchers}}
        {{#hasRewards}}
        <section id="rewards">
        <h2>{{t.holder_rewards}}</h2>
        <ul class="rewards">{{#rewards}}<li class="{{#now}}now{{/now}}"><span>{{name}}</span> <span class="pts">{{points}}</span> <em>{{state}}</em></li>{{/rewards}}</ul>
        </section>
        {{/hasRewards}}
        <section id="entries">
        <h2>{{t.holder_entries}}</h2>
        {{^entries}}<p>{{t.holder_none}}</p>{{/entries}}
        <ul class="entries">{{#entries}}<li><span class="reason">{{reason}}</span><span class="when">{{when}}</span></li>{{/entries}}</ul>
        </section>
        <section id="details">
        <h2>{{t.holder_details}}</h2>
        <p class="note">{{t.holder_details_note}}</p>
        <form method="post" action="/c/{{token}}/link"><button type="submit" class="button" id="ask-link">{{t.holder_details_ask}}</button></form>
        </section>
        <footer>
        <p>{{t.holder_privacy}}</p>
        <p id="expires">{{expires}}</p>
        </footer>
        </main>
        {{/content}}
        {{/holder-frame}}
        """

    static let holderRefused = """
        {{<holder-frame}}
        {{$title}}{{t.holder_refused_title}}{{/title}}
        {{$content}}
        <main class="refused">
        <h1>{{t.holder_refused_title}}</h1>
        <p id="refusal">{{message}}</p>
        </main>
        {{/content}}
        {{/holder-frame}}
        """

    /// A sentence on the cardholder's frame: the details link asked for, an unsubscribe done.
    static let holderNote = """
        {{<holder-frame}}
        {{$title}}{{title}}{{/title}}
        {{$content}}
        <main class="refused">
        <h1>{{title}}</h1>
        <p id="note">{{message}}</p>
        </main>
        {{/content}}
        {{/holder-frame}}
        """

    /// The mailed link's landing: a button, so a link scanner's GET does not use the link up.
    static let holderOpen = """
        {{<holder-frame}}
        {{$title}}{{t.holder_open_title}}{{/title}}
        {{$content}}
        <main class="refused">
        <h1>{{t.holder_open_title}}</h1>
        <p>{{t.holder_open_note}}</p>
        <form method="post" action="{{action}}"><button type="submit" class="button" id="open-details">{{t.holder_open_button}}</button></form>
        </main>
        {{/content}}
        {{/holder-frame}}
        """

    /// The customer's own details: name, address, consent (changeable), the export.
    static let holderMe = """
        {{<holder-frame}}
        {{$title}}{{t.holder_open_title}}{{/title}}
        {{$content}}
        <header class="shop">
        <h1 id="shop">{{shop}}</h1>
        </header>
        <main>
        <h2>{{t.holder_open_title}}</h2>
        <ul id="details">
        <li><span>{{t.holder_me_name}}</span><strong id="name">{{name}}</strong></li>
        {{#address}}<li><span>{{t.holder_me_address}}</span><strong id="address">{{address}}</strong></li>{{/address}}
        {{#postcode}}<li><span>{{t.holder_me_postcode}}</span><strong id="postcode">{{postcode}}</strong></li>{{/postcode}}
        {{#email}}<li><span>{{t.holder_me_email}}</span><strong id="email">{{email}}</strong></li>{{/email}}
        </ul>
        <h2>{{consentHeading}}</h2>
        <p id="consent">{{consentText}}</p>
        <form method="post" action="/me/consent">
        <input type="hidden" name="mail" value="{{#consentMail}}off{{/consentMail}}{{^consentMail}}on{{/consentMail}}">
        <button type="submit" class="button" id="consent-toggle">{{#consentMail}}{{t.holder_me_stop}}{{/consentMail}}{{^consentMail}}{{t.holder_me_start}}{{/consentMail}}</button>
        </form>
        <h2>{{t.holder_me_export}}</h2>
        <p class="note">{{t.holder_me_exportNote}}</p>
        <p><a class="button" id="export" href="/me/export" download>{{t.holder_me_export}}</a></p>
        <footer><p id="session-ends">{{ends}}</p></footer>
        </main>
        {{/content}}
        {{/holder-frame}}
        """

    /// The unsubscribe link's page: a GET shows the question, only the button's POST acts.
    static let unsubscribe = """
        {{<holder-frame}}
        {{$title}}{{t.unsubscribe_title}}{{/title}}
        {{$content}}
        <main class="refused">
        <h1>{{t.unsubscribe_title}}</h1>
        <p>{{t.unsubscribe_question}}</p>
        <form method="post" action="{{action}}"><button type="submit" class="button" id="unsubscribe">{{t.unsubscribe_button}}</button></form>
        </main>
        {{/content}}
        {{/holder-frame}}
        """

    /// The balance in a shop's own web page (an iframe): the figures and a link to the card's page.
    static let widget = """
        {{<holder-frame}}
        {{$title}}{{shop}}{{/title}}
        {{$content}}
        <div class="widget shop">
        <p class="w-shop">{{shop}}</p>
        {{#programEnds}}<p id="program-end">{{programEnds}}</p>{{/programEnds}}
        <p><span class="figure" id="points">{{points}}</span> {{t.holder_points}}</p>
        {{#discount}}<p><span id="discount">{{discount}}</span> {{t.holder_discount}}</p>{{/discount}}
        {{#prepaid}}<p><span id="prepaid">{{prepaid}}</span> {{t.holder_prepaid}}</p>{{/prepaid}}
        {{#stamps}}<p><span id="stamps">{{stamps}}</span> {{t.holder_stamps}}</p>{{/stamps}}
        <p><a href="/c/{{token}}" target="_blank" rel="noopener">{{t.holder_open}}</a></p>
        </div>
        {{/content}}
        {{/holder-frame}}
        """

    /// Mobile first: one column, large figures; the shop's colours are appended per merchant.
    static let holderStylesheet = """
        *{box-sizing:border-box}
        body{margin:0;font:17px/1.45 system-ui,sans-serif;color:#1d2733;background:#f5f6f8}
        .shop{display:flex;gap:.8rem;align-items:center;padding:1rem}
        .shop h1{font-size:1.35rem;margin:0}
        .logo{width:3rem;height:3rem;object-fit:contain;background:#fff;border-radius:6px;padding:2px}
        main{max-width:34rem;margin:0 auto;padding:0 1rem 2rem}
        h2{font-size:1.05rem;margin:1.4rem 0 .5rem}
        .balances{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem;margin-top:1rem}
        .balance{background:#fff;border-radius:8px;padding:.8rem;display:flex;flex-direction:column}
        .figure{font-size:1.9rem;font-weight:700;font-variant-numeric:tabular-nums}
        .label{font-size:.9rem;color:#4a5563}
        .code{background:#fff;border-radius:8px;padding:1rem;text-align:center;margin-top:1rem}
        .barcode{width:100%;max-width:26rem;height:auto;display:block;margin:0 auto}
        .number{font-family:monospace;font-size:1.1rem;letter-spacing:.08em}
        .note{font-size:.9rem;color:#4a5563;text-align:left}
        ul{list-style:none;padding:0;margin:0;background:#fff;border-radius:8px}
        li{padding:.6rem .8rem;border-bottom:1px solid #e3e7ec;display:flex;flex-wrap:wrap;gap:.2rem .6rem;justify-content:space-between}
        li:last-child{border-bottom:0}
        .when{color:#4a5563;font-size:.9rem}
        .rewards .now em{font-weight:700;font-style:normal}
        .pts{font-variant-numeric:tabular-nums}
        footer{font-size:.85rem;color:#4a5563;margin-top:1.5rem}
        .button{display:inline-block;margin:.3rem .3rem 0 0;padding:.6rem 1rem;border-radius:8px;background:#000;color:#fff;text-decoration:none}
        .refused{padding-top:2rem}
        .widget{padding:.6rem .9rem;border-radius:8px}
        .widget p{margin:.2rem 0}
        .widget a{color:inherit}
        .w-shop{font-weight:700}
        .ending{background:#fff4d6;border-radius:8px;padding:.7rem .9rem;margin-top:1rem}
        button.button{border:0;font:inherit;cursor:pointer}
        """
}

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Vigil 1.0
import "../common"

// The loaded rules with how often each fired in this scan; switch rules off for the next scan.
Page {
    id: page
    background: Rectangle { color: Theme.background }
    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 32
        spacing: 14
        PageHeader {
            title: qsTr("Rules")
            subtitle: qsTr("%1 rules loaded. Your own rules go in %2.").arg(Scan.rules.count).arg(Settings.userRulesFolder)
            Button { text: qsTr("Open rules folder"); onClicked: Settings.openUserRulesFolder() }
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            radius: 10
            color: Theme.surface
            border.color: Theme.border
            ListView {
                id: list
                objectName: "rulesList"
                anchors.fill: parent
                anchors.margins: 8
                clip: true
                model: Scan.rules
                keyNavigationEnabled: true
                ScrollBar.vertical: ScrollBar {}
                delegate: ItemDelegate {
                    id: rule
                    required property int index
                    required property string ruleId
                    required property string title
                    required property int severity
                    required property int hits
                    required property bool enabled
                    required property string source
                    width: list.width - 12
                    highlighted: ListView.isCurrentItem
                    onClicked: list.currentIndex = index
                    // Fixed columns: each row's layout must not size itself by its own title's
                    // length, or badges, titles and counts zig-zag down the list.
                    contentItem: RowLayout {
                        spacing: 14
                        SeverityBadge { severity: rule.severity; compact: true; Layout.preferredWidth: 72 }
                        ColumnLayout {
                            Layout.fillWidth: true
                            Layout.preferredWidth: 1
                            spacing: 0
                            Label {
                                objectName: "ruleTitle"
                                Layout.fillWidth: true
                                text: rule.title
                                elide: Text.ElideRight
                                color: Theme.text
                                font.weight: Font.DemiBold
                                opacity: rule.enabled ? 1 : 0.5
                            }
                            Label {
                                Layout.fillWidth: true
                                text: rule.ruleId + "  ·  " + rule.source
                                elide: Text.ElideMiddle
                                color: Theme.textMuted
                                font.pixelSize: 12
                                font.family: "monospace"
                            }
                        }
                        Label {
                            objectName: "ruleHits"
                            Layout.preferredWidth: 88
                            horizontalAlignment: Text.AlignRight
                            text: rule.hits === 0 ? qsTr("no hits") : rule.hits === 1 ? qsTr("1 hit") : qsTr("%1 hits").arg(rule.hits)
                            color: rule.hits > 0 ? Theme.text : Theme.textMuted
                            font.weight: rule.hits > 0 ? Font.Bold : Font.Normal
                        }
                        Switch {
                            checked: rule.enabled
                            onToggled: Scan.rules.setEnabled(rule.index, checked)
                            Accessible.name: qsTr("Enable rule %1").arg(rule.ruleId)
                        }
                    }
                }
            }
        }
    }
}
